import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/index.js';
import { isError } from '../../src/errors/BaseError.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();

describe('config', () => {
  it('has every RULES.md default with an empty file', () => {
    const c = parseConfig({});
    expect(c.terms).toEqual({
      amounts: [25000, 50000, 100000, 200000, 250000, 500000, 1000000, 2500000, 5000000, 10000000],
      months: { three_months: 3, six_months: 6, twelve_months: 12 },
      interestBps: 800,
      penaltyBps: 1500,
      monthMs: 2_592_000_000,
      invalidFee: 50,
      minRefund: 10,
      receiptAmount: 1,
      supportNoticeAmount: 1,
      adminMin: 400,
      adminMaxAgeMs: 3_600_000,
      coverDays: 7,
    });
    // Broker-only is the default: no exchange keys needed.
    expect(c.rails).toEqual([{ kind: 'broker' }]);
    expect(c.payout.timeoutMs).toBe(60_000);
  });
  it.each([
    [{ terms: { interestBps: 8.5 } }, 'terms.interestBps: Invalid input: expected int, received number'],
    [{ nodes: ['http://x'] }, 'nodes.0: must be a ws:// or wss:// URL'],
    [{ broker: 'Bad Name' }, 'broker: must be a BitShares account name'],
    [{ terms: { amount: [1] } }, 'terms.amount: unknown key'],
    [{ bittrex: { accounts: [{ index: 4, depositMemo: 'm' }] } }, 'bittrex.accounts.0.index'],
    [{ payout: { rails: ['broker', 'paypal'] } }, 'payout.rails.1'],
    [{ chainId: 'xyz' }, 'chainId: must be 64 hex characters'],
    [
      {
        bittrex: {
          accounts: [
            { index: 1, depositMemo: 'a' },
            { index: 1, depositMemo: 'b' },
          ],
        },
      },
      'bittrex.accounts.1.index: account 1 is configured twice',
    ],
    [{ payout: { rails: ['broker', 'bittrex1', 'broker'] } }, 'payout.rails.2: rail broker is listed twice'],
    [{ nodes: ['wss://a:1', 'wss://a:1'] }, 'nodes.1: wss://a:1 is listed twice'],
    [{ terms: { receiptAmount: 1e15 } }, 'terms.receiptAmount: Too big: expected number to be <=1000'],
    [{ terms: { supportNoticeAmount: 5000 } }, 'terms.supportNoticeAmount: Too big: expected number to be <=1000'],
    [{ terms: { amounts: [25_000, 4_000_000_000] } }, 'terms.amounts.1: Too big'],
    [{ terms: { amounts: [25_000, 25_000] } }, 'terms.amounts.1: 25000 is listed twice'],
    [{ payout: { cycleMs: 1 } }, 'payout.cycleMs: Too small: expected number to be >=100'],
    [{ payout: { timeoutMs: 10 } }, 'payout.timeoutMs: Too small'],
    [{ payout: { retryBackoffMs: 5_000, maxBackoffMs: 1_000 } }, 'payout.maxBackoffMs: must be at least payout.retryBackoffMs'],
    [{ nodes: ['ws://node.example.com/ws'] }, 'nodes.0: ws://node.example.com/ws is a plain ws:// link to another machine; use wss://'],
    [{ nodes: ['ws://user:pw@10.0.0.5:8090'] }, 'nodes.0: ws://10.0.0.5:8090 is a plain ws:// link'],
    [{ quorum: 2 }, 'quorum: needs at least 2 nodes in "nodes" (1 configured)'],
  ])('names the bad key: %j', (raw, expected) => {
    expect(() => parseConfig(raw, 'test.json')).toThrow(expected);
    try {
      parseConfig(raw, 'test.json');
    } catch (err) {
      expect(isError(err, 'CONFIG_INVALID')).toBe(true);
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
  });
  it('works on BitShares mainnet unless told otherwise, never on whatever chain a node is on', () => {
    expect(parseConfig({}).chainId).toBe('4018d7844c78f6a6c41c6a552b898022310fc5dec06da467ee7905a8dad512c8');
    // Loopback ws:// is fine (an own node on this machine); a remote one only when the operator accepts the risk.
    expect(parseConfig({ nodes: ['ws://127.0.0.1:8090', 'ws://localhost:1', 'ws://[::1]:2'] }).nodes).toHaveLength(3);
    expect(parseConfig({ nodes: ['ws://node.example.com/ws'], allowInsecureNodes: true }).allowInsecureNodes).toBe(true);
  });
  it('reads the file, then the environment, then overrides', () => {
    const path = join(tempDir(), 'c.json');
    writeFileSync(path, JSON.stringify({ broker: 'from-file', db: 'a.sqlite', managers: ['boss'] }));
    const c = loadConfig({
      path,
      env: { STAKEBTS_DB: 'b.sqlite', STAKEBTS_NODES: 'wss://a:1, wss://b:2' },
      overrides: { broker: 'from-flag' },
    });
    expect([c.broker, c.db, c.nodes, c.managers]).toEqual(['from-flag', 'b.sqlite', ['wss://a:1', 'wss://b:2'], ['boss']]);
  });
  it('explains a missing or broken file in one sentence', () => {
    const dir = tempDir();
    expect(() => loadConfig({ path: join(dir, 'none.json'), env: {} })).toThrow(/^The config file .*none\.json does not exist\.$/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "db": ');
    expect(() => loadConfig({ path: bad, env: {} })).toThrow(/is not valid JSON/);
    writeFileSync(bad, '[1]');
    expect(() => loadConfig({ path: bad, env: {} })).toThrow(/must hold a JSON object/);
  });
});
