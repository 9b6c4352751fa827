import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBittrexClient } from '../../../src/exchange/bittrex/index.js';
import { type BittrexSimulator, startBittrexSimulator } from '../../../src/sim/bittrex/index.js';
import { Secret } from '../../../src/wallet/Secret.js';

// Planted values: if any of them (or any 128-hex signature) shows up in an error or a log line, it leaked.
const API_KEY = 'PLANTEDKEYaaaa1111bbbb2222';
const API_SECRET = 'PLANTEDSECRETcccc3333dddd4444';
const forbidden = [API_KEY, API_SECRET];
const SIGNATURE_RE = /[0-9a-f]{128}/i;
const wrapped = (apiKey: string, apiSecret: string) => ({ apiKey: new Secret(apiKey), apiSecret: new Secret(apiSecret) });

let sim: BittrexSimulator;
const lines: string[] = [];
const logger = pino(
  { level: 'trace' },
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  }),
);

beforeAll(async () => {
  sim = await startBittrexSimulator({
    accounts: [{ apiKey: API_KEY, apiSecret: API_SECRET, balanceSats: 1_000_000_000n, depositTag: 'tag' }],
    rateLimitPerMinute: 0,
    logger,
  });
});
afterAll(() => sim.close());

/** Every way an error can be rendered: message, stack, JSON, util.inspect with the whole cause chain. */
function renderings(err: unknown): string[] {
  return [
    String(err),
    (err as Error).stack ?? '',
    JSON.stringify(err, Object.getOwnPropertyNames(err as object)),
    inspect(err, { depth: 20, showHidden: true }),
  ];
}

function expectClean(text: string): void {
  for (const s of forbidden) expect(text).not.toContain(s);
  expect(text).not.toMatch(SIGNATURE_RE);
}

describe('no key, secret, signature or header in errors or logs', () => {
  it('holds across auth failures, HTTP errors, timeouts, refused connections and withdrawal outcomes', async () => {
    const good = createBittrexClient({ baseUrl: sim.url, ...wrapped(API_KEY, API_SECRET), timeoutMs: 1_500, logger });
    const badSecret = createBittrexClient({ baseUrl: sim.url, ...wrapped(API_KEY, `${API_SECRET}x`), timeoutMs: 2_000, logger });
    const errors: unknown[] = [];
    const outcomes: unknown[] = [];

    // Successful calls log too (debug).
    await good.getBalance();
    outcomes.push(await good.createWithdrawal({ quantity: 5_000_000n, cryptoAddress: 'alice', clientWithdrawalId: randomUUID() }));

    errors.push(await badSecret.getBalance().catch((e: unknown) => e));
    outcomes.push(await badSecret.createWithdrawal({ quantity: 5_000_000n, cryptoAddress: 'alice', clientWithdrawalId: randomUUID() }));

    sim.inject({ kind: 'hang', times: 2 });
    errors.push(await good.getBalance().catch((e: unknown) => e));
    outcomes.push(await good.createWithdrawal({ quantity: 5_000_000n, cryptoAddress: 'alice', clientWithdrawalId: randomUUID() }));

    sim.inject({ kind: 'status', status: 500, times: 1 });
    errors.push(await good.getBalance().catch((e: unknown) => e));
    errors.push(await good.getWithdrawal(randomUUID()).catch((e: unknown) => e));

    const url = sim.url;
    const dead = createBittrexClient({ baseUrl: url.replace(/:\d+\//, ':1/'), ...wrapped(API_KEY, API_SECRET), logger });
    errors.push(await dead.getBalance().catch((e: unknown) => e));
    outcomes.push(await dead.createWithdrawal({ quantity: 5_000_000n, cryptoAddress: 'alice', clientWithdrawalId: randomUUID() }));

    expect(errors).toHaveLength(5);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      for (const text of renderings(e)) expectClean(text);
    }
    expect(outcomes.map((o) => (o as { kind: string }).kind)).toEqual(['created', 'rejected', 'ambiguous', 'ambiguous']);
    for (const o of outcomes) expectClean(inspect(o, { depth: 20 }));

    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expectClean(line);
  });

  it('an error body echoing the request headers (a gateway fault) leaves no key in errors, outcomes or logs', async () => {
    const client = createBittrexClient({ baseUrl: sim.url, ...wrapped(API_KEY, API_SECRET), timeoutMs: 2_000, logger });
    lines.length = 0;
    sim.inject({ kind: 'echoHeaders', times: 2 });
    const err = await client.getBalance().catch((e: unknown) => e);
    const outcome = await client.createWithdrawal({ quantity: 5_000_000n, cryptoAddress: 'alice', clientWithdrawalId: randomUUID() });
    // The gateway really echoed: the answer named the key (scrubbed), so it was classified, not lost.
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/HEADER_REJECTED/);
    expect(outcome).toMatchObject({ kind: 'ambiguous', reason: expect.stringMatching(/HEADER_REJECTED/) });
    for (const text of renderings(err)) expectClean(text);
    expectClean(inspect(outcome, { depth: 20 }));
    for (const line of lines) expectClean(line);
    // An answer relayed by a payout worker (raw text) is scrubbed the same way before it is read.
    const relayed = await client.classifyWithdrawalAnswer(
      {
        kind: 'response',
        status: 400,
        text: JSON.stringify({ code: `HEADER_REJECTED:Api-Key=${API_KEY}`, detail: `Api-Secret: ${API_SECRET}` }),
        json: undefined,
        retryAfter: undefined,
      },
      randomUUID(),
    );
    expectClean(inspect(relayed, { depth: 20 }));
  });
});
