import { afterEach, describe, expect, it } from 'vitest';
import { readCursor } from '../../src/db/cursor.js';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { btsToSats } from '../../src/domain/money.js';
import { createPayoutEngine } from '../../src/payout/index.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, payoutStates, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const payout = { mode: 'topup' as const, timeoutMs: 20_000, concurrency: 4, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 };

function refund(x: Harness, user: string, bts: number): number {
  return insertPayoutIntent(x.db, {
    sourceKey: `refund:test:${user}:${bts}`,
    purpose: 'refund',
    contractId: null,
    stakeId: null,
    recipient: user,
    recipientId: x.clients.get(user)!.id,
    amountSats: btsToSats(bts),
    memo: `stakebts refund test ${user}`,
  }).id;
}

const events = (x: Harness, name: string) =>
  x.db
    .prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = ? ORDER BY id`)
    .all(name)
    .map((r) => JSON.parse((r as { msg: string }).msg));
/** Withdrawals of every Bittrex account to the broker (the top-ups as the exchange saw them). */
const toBroker = (x: Harness) =>
  [0, 1, 2].flatMap((i) =>
    x.bittrex
      .ledger(i)
      .filter((w) => w.cryptoAddress === 'broker')
      .map((w) => ({ account: i + 1, w })),
  );

describe('broker-first treasury (payout.mode topup)', () => {
  it('the broker short: the shortfall is withdrawn to the broker, then the client is paid from the broker, no notice', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 1_000, bittrexBts: [100_000, 0, 0], config: { payout } });
    const id = refund(h, 'alice', 5_000);
    await h.until(() => payoutStates(h!.db).paid === 2, 20);
    for (let i = 0; i < 2; i++) await h.step();

    const got = h.chain.transfersTo('alice').filter((t) => t.fromName === 'broker' || t.fromName === 'bittrex-deposit');
    expect(got.map((t) => [t.fromName, t.amountSats])).toEqual([['broker', btsToSats(5_000)]]);
    const moves = toBroker(h);
    expect(moves).toHaveLength(1);
    expect(moves[0]!.account).toBe(1);
    const queued = events(h, 'treasury_topup_queued');
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ rail: 'bittrex1' });
    // the broker's shortfall: 5 000 due, 1 000 held, plus the chain fee of the payment it has to send (under 1 BTS);
    // it arrives net of the exchange's own fee, exactly as asked
    const asked = BigInt(queued[0].amountSats);
    expect(asked > btsToSats(4_000) && asked < btsToSats(4_001)).toBe(true);
    expect(
      h.chain
        .transfersTo('broker')
        .filter((t) => t.fromName === 'bittrex-deposit')
        .map((t) => t.amountSats),
    ).toEqual([asked]);
    expect(events(h, 'support_notice_queued')).toEqual([]);
    expect(h.db.prepare('SELECT rail, state FROM payouts WHERE id = ?').get(id)).toEqual({ rail: 'broker', state: 'paid' });
    expect(verifyReceiptChain(h.db).ok).toBe(true);
  });

  it('one exchange account short: the others cover the shortfall; the client is still paid from the broker', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 0, bittrexBts: [0, 50_000, 50_000], config: { payout } });
    refund(h, 'bob', 8_000);
    await h.until(() => h!.chain.transfersTo('bob').some((t) => t.fromName === 'broker'), 25);
    const got = h.chain.transfersTo('bob').filter((t) => t.fromName === 'broker' || t.fromName === 'bittrex-deposit');
    expect(got.map((t) => [t.fromName, t.amountSats])).toEqual([['broker', btsToSats(8_000)]]);
    expect(toBroker(h).map((m) => m.account)).toEqual([2]);
  });

  it('every account short: the payment waits and the client gets one support notice, however many cycles pass', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 0, bittrexBts: [0, 0, 0], config: { payout } });
    refund(h, 'carol', 5_000);
    for (let i = 0; i < 8; i++) await h.step();
    expect(events(h, 'support_notice_queued')).toHaveLength(1);
    expect(toBroker(h)).toEqual([]);
    expect(h.paidTo('carol').filter((t) => t.amountSats === btsToSats(5_000))).toEqual([]);
  });

  it('a restart in the middle of a top-up (the exchange made it, its answer was lost) moves the money exactly once', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 0, bittrexBts: [100_000, 0, 0], config: { payout } });
    h.bittrex.inject({ kind: 'dropAfterCommit', times: 1 });
    refund(h, 'alice', 3_000);
    const first = await h.step();
    expect(first.executed.ambiguous).toBeGreaterThanOrEqual(1);
    // The daemon dies here: a new engine over the same database picks the top-up up from its committed attempt.
    await h.engine.close();
    const again = createPayoutEngine({
      db: h.db,
      config: h.config,
      node: h.node,
      secrets: h.secrets,
      brokerAccount: { id: h.broker.id, name: h.broker.name },
      nowProvider: async () => readCursor(h!.db)?.blockTime ?? 0,
    });
    try {
      for (let i = 0; i < 20 && !h.chain.transfersTo('alice').some((t) => t.fromName === 'broker'); i++) {
        await h.bittrex.processPending();
        h.chain.produceBlocks(1);
        await h.scanner.scanOnce();
        await again.runCycle();
      }
    } finally {
      await again.close();
    }
    expect(toBroker(h)).toHaveLength(1);
    expect(events(h, 'treasury_topup_queued')).toHaveLength(1);
    expect(
      h.chain
        .transfersTo('alice')
        .filter((t) => t.fromName === 'broker')
        .map((t) => t.amountSats),
    ).toEqual([btsToSats(3_000)]);
  });

  it('direct mode keeps paying the client from the exchange when the broker is short', async () => {
    h = await startHarness({
      dir: tempDir(),
      brokerBts: 0,
      bittrexBts: [100_000, 0, 0],
      config: { payout: { ...payout, mode: 'direct' } },
    });
    refund(h, 'alice', 2_000);
    await h.until(() => h!.paidTo('alice').length === 1, 10);
    expect(h.paidTo('alice')[0]!.fromName).toBe('bittrex-deposit');
    expect(toBroker(h)).toEqual([]);
  });
});
