import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';

// Issue 13 §3: the sample an operator copies is valid as shipped and says what a mainnet desk needs.
describe('stakebts.config.example.json', () => {
  const raw = JSON.parse(readFileSync('stakebts.config.example.json', 'utf8')) as Record<string, unknown>;

  it('parses with the real schema, on mainnet, broker-only, every remote node over wss', () => {
    const c = parseConfig(raw);
    expect(c.chainId).toBe('4018d7844c78f6a6c41c6a552b898022310fc5dec06da467ee7905a8dad512c8');
    expect(c.rails).toEqual([{ kind: 'broker' }]);
    expect(c.bittrex.accounts).toEqual([]);
    expect(c.payout.rails).toBeUndefined();
    expect(c.quorum).toBeGreaterThan(1);
    for (const url of c.nodes) expect(url.startsWith('wss://') || url.startsWith('ws://127.0.0.1')).toBe(true);
  });

  it('every key it sets is explained in docs/configuration.md', () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    const keys = Object.entries(raw).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((sub) => `${k}.${sub}`) : [k],
    );
    for (const key of keys) expect(doc, key).toContain(`\`${key}\``);
  });
});
