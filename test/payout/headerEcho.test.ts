import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import { btsToSats } from '../../src/domain/money.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, payoutStates, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('an exchange error body that echoes the request headers', () => {
  it('puts no API key, secret or signature into the stored attempt, the receipts or the log; the payment still completes', async () => {
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
    h = await startHarness({ dir: tempDir(), brokerBts: 0, bittrexBts: [100_000, 0, 0], logger });
    const account = h.accounts[0]!;
    // The gateway answers the first POST /withdrawals with the request's headers (API key and signature) echoed.
    h.bittrex.inject({ kind: 'echoHeaders', method: 'POST', path: '/withdrawals', times: 1 });
    const id = insertPayoutIntent(h.db, {
      sourceKey: 'refund:test:echo',
      purpose: 'refund',
      contractId: null,
      stakeId: null,
      recipient: 'alice',
      recipientId: h.clients.get('alice')!.id,
      amountSats: btsToSats(5_000),
      memo: 'stakebts refund test echo',
    }).id;
    await h.until(() => payoutStates(h!.db).paid === 1, 20);

    // The echo was met and recorded as an unknown outcome (named by its code), then resolved on the same account.
    const attempts = h.db.prepare('SELECT state, result FROM payout_attempts WHERE payout_id = ? ORDER BY attempt_no').all(id) as Array<{
      state: string;
      result: string | null;
    }>;
    const stored = [
      ...attempts.map((a) => a.result ?? ''),
      ...(h.db.prepare('SELECT msg FROM receipts').all() as { msg: string }[]).map((r) => r.msg),
      ...lines,
    ].join('\n');
    expect(stored).toMatch(/HEADER_REJECTED/);
    expect(h.paidTo('alice').map((t) => t.amountSats)).toEqual([btsToSats(5_000)]);
    for (const secret of [account.apiKey, account.apiSecret]) expect(stored).not.toContain(secret);
    expect(stored).not.toMatch(/[0-9a-f]{128}/i);
  }, 120_000);
});
