import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { transactionId } from '../../src/chain/bitshares/index.js';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import { btsToSats } from '../../src/domain/money.js';
import { signRequest } from '../../src/exchange/bittrex/index.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  delete process.env.STAKEBTS_TEST_RECORD;
  delete process.env.STAKEBTS_TEST_DB;
});

const recordingWorker = fileURLToPath(new URL('./fixtures/recordingWorker.cjs', import.meta.url));

type Recorded = {
  job: { type: string; [k: string]: unknown };
  attempts: Array<{ payout_id: number; rail: string; idem_key: string; request: string; state: string }>;
};

/** One cycle of one payment on `rail` through the recording worker; returns what the worker received. */
async function recordJob(rail: 'broker' | 'bittrex1'): Promise<{ x: Harness; rec: Recorded; payoutId: number }> {
  const dir = tempDir();
  const x = await startHarness({
    dir,
    bittrexBts: [100_000, 0, 0],
    workerPath: recordingWorker,
    config: { payout: { rails: [rail], timeoutMs: 10_000, concurrency: 1, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 } },
  });
  h = x;
  const file = join(dir, 'jobs.jsonl');
  process.env.STAKEBTS_TEST_RECORD = file;
  process.env.STAKEBTS_TEST_DB = x.config.db;
  const payoutId = insertPayoutIntent(x.db, {
    sourceKey: `jobs:${rail}`,
    purpose: 'refund',
    contractId: null,
    stakeId: null,
    recipient: 'alice',
    recipientId: x.clients.get('alice')!.id,
    amountSats: btsToSats(2_000),
    memo: 'stakebts refund test',
  }).id;
  const report = await x.engine.runCycle();
  expect(report.executed.ambiguous).toBe(1); // the stand-in reports nothing: outcome unknown, reconciled later
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(1);
  return { x, rec: JSON.parse(lines[0]!) as Recorded, payoutId };
}

/** Every secret the engine holds; none may appear in anything a worker receives. */
function secretsOf(x: Harness): string[] {
  return [x.secrets.brokerActiveWif, x.secrets.brokerMemoWif, ...x.secrets.exchangeKeys.map((k) => k.apiSecret)].map((s) => s.reveal());
}

describe('what a payout worker receives', () => {
  it('chain: only the signed tx already committed as the attempt (intent, idem_key = its id), no key', async () => {
    const { x, rec, payoutId } = await recordJob('broker');
    const text = JSON.stringify(rec.job);
    for (const s of secretsOf(x)) expect(text).not.toContain(s);
    expect(rec.job.type).toBe('ws-broadcast');
    // Committed before the fork: the worker's own read of the database already shows the attempt.
    expect(rec.attempts).toEqual([
      { payout_id: payoutId, rail: 'broker', idem_key: rec.job.txId, request: JSON.stringify(rec.job.signedTx), state: 'intent' },
    ]);
    expect(transactionId(rec.job.signedTx)).toBe(rec.job.txId);
    expect(rec.job.nodeUrls).toEqual(x.config.nodes);
    // Nothing was broadcast by the worker; the payment is unknown and reconciliation re-sends the same tx.
    expect(x.db.prepare('SELECT state FROM payout_attempts').all()).toEqual([{ state: 'unknown' }]);
  }, 120_000);

  it('Bittrex: the committed body with headers signed by the parent, no API secret', async () => {
    const { x, rec, payoutId } = await recordJob('bittrex1');
    const text = JSON.stringify(rec.job);
    for (const s of secretsOf(x)) expect(text).not.toContain(s);
    expect(rec.job.type).toBe('http-post');
    expect(rec.attempts).toHaveLength(1);
    expect(rec.attempts[0]).toMatchObject({ payout_id: payoutId, rail: 'bittrex1', state: 'intent', request: rec.job.body });
    const headers = rec.job.headers as Record<string, string> & { 'Api-Timestamp': string };
    const account = x.secrets.exchangeKeys[0]!;
    const expected = signRequest({
      apiKey: account.apiKey.reveal(),
      apiSecret: account.apiSecret.reveal(),
      timestampMs: Number(headers['Api-Timestamp']),
      url: rec.job.url as string,
      method: 'POST',
      body: rec.job.body as string,
    });
    expect(headers).toMatchObject(expected);
    expect(rec.job.url).toBe(`${x.config.bittrex.baseUrl.replace(/\/+$/, '')}/withdrawals`);
  }, 120_000);
});
