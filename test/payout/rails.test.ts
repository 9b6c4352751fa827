import { afterEach, describe, expect, it } from 'vitest';
import { insertContract } from '../../src/db/contracts.js';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { contractSchedule } from '../../src/domain/contractSchedule.js';
import { btsToSats } from '../../src/domain/money.js';
import { useTempDir } from '../helpers/tempDir.js';
import { DAY_MS, type Harness, payoutStates, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const sats = (bts: number) => btsToSats(bts);

/** A client payment written as the listener writes one (intent, pending). */
function refundIntent(x: Harness, user: string, bts: number, key = `refund:test:${user}:${bts}`): number {
  return insertPayoutIntent(x.db, {
    sourceKey: key,
    purpose: 'refund',
    contractId: null,
    stakeId: null,
    recipient: user,
    recipientId: x.clients.get(user)!.id,
    amountSats: sats(bts),
    memo: `stakebts refund test ${key}`,
  }).id;
}

const events = (x: Harness, name: string) =>
  x.db
    .prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = ? ORDER BY id`)
    .all(name)
    .map((r) => JSON.parse((r as { msg: string }).msg));

describe('payout engine: rails, failover and ambiguity', () => {
  it('falls over from an empty broker and a short Bittrex account 1 to account 2; the client receives exactly the amount', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 0, bittrexBts: [10, 100_000, 100_000] });
    const id = refundIntent(h, 'alice', 5_000);
    await h.until(() => h!.paidTo('alice').length === 1 && payoutStates(h!.db).paid === 1, 10);
    for (let i = 0; i < 3; i++) await h.step();

    const paid = h.paidTo('alice');
    expect(paid).toHaveLength(1);
    expect(paid[0]!.fromName).toBe('bittrex-deposit');
    expect(paid[0]!.amountSats).toBe(sats(5_000)); // quantity = amount + txFee; the exchange keeps txCost
    expect(h.bittrex.ledger(0)).toHaveLength(0); // account 1 refused: nothing created there
    expect(h.bittrex.ledger(1)).toHaveLength(1);
    expect(h.bittrex.ledger(1)[0]!.quantity).toBe(sats(5_005));
    expect(h.bittrex.ledger(2)).toHaveLength(0);
    const attempts = h.db.prepare('SELECT rail, state FROM payout_attempts WHERE payout_id = ? ORDER BY attempt_no').all(id);
    expect(attempts).toEqual([
      { rail: 'bittrex1', state: 'rejected' },
      { rail: 'bittrex2', state: 'paid' },
    ]);
    const row = h.db.prepare('SELECT state, rail, external_id FROM payouts WHERE id = ?').get(id) as {
      state: string;
      rail: string;
      external_id: string;
    };
    expect(row).toEqual({ state: 'paid', rail: 'bittrex2', external_id: paid[0]!.txId });
    expect(events(h, 'payout_paid')[0]).toMatchObject({ payoutId: id, txCostSats: String(sats(5)), receivedSats: String(sats(5_000)) });
    expect(verifyReceiptChain(h.db).ok).toBe(true);
  }, 120_000);

  it('a Bittrex worker that hangs is killed at its time limit; the payment is reconciled on the same account, not repeated', async () => {
    h = await startHarness({
      dir: tempDir(),
      brokerBts: 0,
      bittrexBts: [100_000, 100_000, 100_000],
      config: { payout: { timeoutMs: 5_000, concurrency: 2, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 } },
    });
    h.bittrex.inject({ kind: 'hang', path: '/withdrawals', method: 'POST', times: 1 });
    const id = refundIntent(h, 'bob', 3_000);
    const first = await h.step();
    expect(first.executed.ambiguous).toBe(1);
    expect(h.db.prepare('SELECT state FROM payouts WHERE id = ?').get(id)).toEqual({ state: 'unknown' });
    expect(events(h, 'payout_attempt_unknown')[0].reason).toMatch(/killed after 5000 ms/);

    await h.until(() => payoutStates(h!.db).paid === 1, 10);
    for (let i = 0; i < 3; i++) await h.step();
    expect(h.paidTo('bob').map((t) => t.amountSats)).toEqual([sats(3_000)]);
    // Same account, same key: one attempt row, one withdrawal; accounts 2 and 3 untouched.
    expect(h.bittrex.ledger(0)).toHaveLength(1);
    expect(h.bittrex.ledger(1)).toHaveLength(0);
    expect(h.bittrex.ledger(2)).toHaveLength(0);
    const attempts = h.db.prepare('SELECT rail, state, idem_key FROM payout_attempts WHERE payout_id = ?').all(id) as {
      rail: string;
      state: string;
      idem_key: string;
    }[];
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ rail: 'bittrex1', state: 'paid' });
    expect(h.bittrex.ledger(0)[0]!.clientWithdrawalId).toBe(attempts[0]!.idem_key);
  }, 120_000);

  it('dropAfterCommit on Bittrex (created, answer lost) ends with exactly one withdrawal', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 0, bittrexBts: [100_000, 100_000, 100_000] });
    h.bittrex.inject({ kind: 'dropAfterCommit', times: 1 });
    const id = refundIntent(h, 'carol', 2_500);
    const first = await h.step();
    expect(first.executed.ambiguous).toBe(1);
    await h.until(() => payoutStates(h!.db).paid === 1, 10);
    for (let i = 0; i < 3; i++) await h.step();
    expect(h.bittrex.ledger(0)).toHaveLength(1);
    expect(h.bittrex.ledger(1).length + h.bittrex.ledger(2).length).toBe(0);
    expect(h.paidTo('carol').map((t) => t.amountSats)).toEqual([sats(2_500)]);
    expect(h.db.prepare('SELECT count(*) AS n FROM payout_attempts WHERE payout_id = ?').get(id)).toEqual({ n: 1 });
  }, 120_000);

  it('a chain worker hanging on broadcast is killed; the same signed tx is re-sent, never rebuilt, and pays once', async () => {
    h = await startHarness({
      dir: tempDir(),
      config: { payout: { timeoutMs: 5_000, concurrency: 2, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 } },
    });
    h.chain.faults.hang = ['broadcast_transaction'];
    const id = refundIntent(h, 'alice', 700);
    const first = await h.engine.runCycle();
    expect(first.executed.ambiguous).toBe(1);
    const [attempt] = h.db.prepare('SELECT idem_key, state FROM payout_attempts WHERE payout_id = ?').all(id) as {
      idem_key: string;
      state: string;
    }[];
    expect(attempt!.state).toBe('unknown');
    h.chain.faults.hang = [];
    await h.engine.runCycle(); // reconciliation re-broadcasts the stored tx
    await h.until(() => payoutStates(h!.db).paid === 1, 10);
    for (let i = 0; i < 3; i++) await h.step();
    const paid = h.paidTo('alice');
    expect(paid).toHaveLength(1);
    expect(paid[0]!.txId).toBe(attempt!.idem_key);
    expect(h.db.prepare('SELECT count(*) AS n FROM payout_attempts WHERE payout_id = ?').get(id)).toEqual({ n: 1 });
  }, 120_000);

  it('a chain tx the node took but whose answer was lost: the re-broadcast is refused as duplicate_transaction = submitted, then paid once', async () => {
    h = await startHarness({
      dir: tempDir(),
      config: { payout: { timeoutMs: 3_000, concurrency: 2, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 } },
    });
    h.chain.faults.loseReply = ['broadcast_transaction'];
    const id = refundIntent(h, 'carol', 900);
    expect((await h.engine.runCycle()).executed.ambiguous).toBe(1);
    const attempt = () =>
      h!.db.prepare('SELECT idem_key, state, result FROM payout_attempts WHERE payout_id = ?').get(id) as {
        idem_key: string;
        state: string;
        result: string | null;
      };
    expect(attempt().state).toBe('unknown');
    expect(h.chain.state.pending.map((p) => p.txId)).toEqual([attempt().idem_key]); // the node has it
    h.chain.faults.loseReply = [];
    await h.engine.runCycle(); // reconciliation re-sends the same signed tx: the node answers duplicate_transaction
    expect(attempt().state).toBe('submitted');
    expect(JSON.parse(attempt().result ?? '{}')).toMatchObject({ broadcast: 'node already holds the tx' });
    await h.until(() => payoutStates(h!.db).paid === 1, 10);
    for (let i = 0; i < 3; i++) await h.step();
    expect(h.paidTo('carol').map((t) => [t.txId, t.amountSats])).toEqual([[attempt().idem_key, sats(900)]]);
    expect(h.db.prepare('SELECT count(*) AS n FROM payout_attempts WHERE payout_id = ?').get(id)).toEqual({ n: 1 });
  }, 120_000);

  it('a chain tx that never reached a node expires only after an irreversible block passes its expiration; then a new attempt pays once', async () => {
    h = await startHarness({
      dir: tempDir(),
      config: {
        payout: { timeoutMs: 5_000, concurrency: 2, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 },
        listener: { window: 16, pollMs: 100, callTimeoutMs: 500 },
      },
    });
    h.chain.faults.hang = ['broadcast_transaction'];
    const id = refundIntent(h, 'bob', 800);
    await h.engine.runCycle();
    await h.engine.runCycle(); // the re-broadcast hangs too: still unknown, not expired (LIB has not moved)
    expect(h.db.prepare('SELECT state FROM payout_attempts WHERE payout_id = ?').all(id)).toEqual([{ state: 'unknown' }]);
    h.chain.produceBlocks(3); // one day per block: the LIB is now past the 120 s expiration
    await h.scanner.scanOnce();
    h.chain.faults.hang = [];
    await h.engine.runCycle();
    await h.until(() => payoutStates(h!.db).paid === 1, 10);
    for (let i = 0; i < 3; i++) await h.step();
    expect(h.paidTo('bob').map((t) => t.amountSats)).toEqual([sats(800)]);
    const attempts = h.db.prepare('SELECT state FROM payout_attempts WHERE payout_id = ? ORDER BY attempt_no').all(id);
    expect(attempts).toEqual([{ state: 'expired' }, { state: 'paid' }]);
  }, 120_000);

  it('all rails short of funds: one support notice per payment, the payment stays pending with backoff, then pays once', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 10, bittrexBts: [0, 0, 0] });
    const id = refundIntent(h, 'alice', 5_000);
    for (let i = 0; i < 6; i++) {
      await h.step();
      await new Promise((r) => setTimeout(r, 150)); // let the (100 ms, doubling) backoff elapse now and then
    }
    const notices = h.db.prepare(`SELECT id, uuid, state, amount_sats, memo FROM payouts WHERE purpose = 'support_notice'`).all() as {
      id: number;
      uuid: string;
      state: string;
      amount_sats: number;
      memo: string;
    }[];
    expect(notices).toHaveLength(1);
    expect(notices[0]!.memo).toBe(
      `your stakebts payment ${id} (refund) of 5000 BTS is delayed, please contact help@stakebts.test (ref ${notices[0]!.uuid})`,
    );
    const p = h.db.prepare('SELECT state, attempts FROM payouts WHERE id = ?').get(id) as { state: string; attempts: number };
    expect(p.state).toBe('pending');
    expect(p.attempts).toBeGreaterThanOrEqual(1);
    await h.until(() => h!.paidTo('alice').length === 1, 10);
    expect(h.paidTo('alice').map((t) => t.amountSats)).toEqual([sats(1)]); // the notice, via the broker
    expect(h.memoText(h.paidTo('alice')[0]!, h.clients.get('alice')!)).toContain('help@stakebts.test');

    h.bittrex.setBalance(2, sats(50_000)); // account 3 gets funds
    await h.until(() => payoutStates(h!.db).paid === 2, 40);
    for (let i = 0; i < 3; i++) await h.step();
    expect(h.paidTo('alice').map((t) => t.amountSats)).toEqual([sats(1), sats(5_000)]);
    expect(h.bittrex.ledger(2)).toHaveLength(1);
    expect(h.db.prepare(`SELECT count(*) AS n FROM payouts WHERE purpose = 'support_notice'`).get()).toEqual({ n: 1 });
  }, 120_000);

  it('broker_to_bittrex is refused when it would leave the next 7 days uncovered, and sent when covered', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 3_000, managers: ['boss'], bittrexBts: [0, 0, 0] });
    await h.step(3); // cursor and LIB time
    const libNow = (h.db.prepare('SELECT block_time FROM cursor').get() as { block_time: number }).block_time;
    // A contract whose first interest (2000 BTS) falls due in 3 days.
    const start = libNow - h.config.terms.monthMs + 3 * DAY_MS;
    insertContract(
      h.db,
      {
        sourceKey: 'test:c1',
        user: 'carol',
        userId: h.clients.get('carol')!.id,
        amountBts: 25_000,
        months: 3,
        start,
        block: 1,
        trxInBlock: 0,
        opInTrx: 0,
        origin: 'chain',
      },
      contractSchedule({ amountBts: 25_000, months: 3, start }, h.config.terms).map((r) =>
        r.type.startsWith('contract_') ? { ...r, status: 'paid' as const } : r,
      ),
    );
    const memo = (amount: number) => JSON.stringify({ type: 'broker_to_bittrex', amount, account: 1 });
    await h.chain.clientTransfer({ from: 'boss', to: 'broker', amountSats: sats(1), memo: memo(1_500) });
    await h.until(() => events(h!, 'admin_refused').length === 1, 10);
    const refused = events(h, 'admin_refused')[0];
    expect(refused.reason).toMatch(/less than the 2000(\.0+)? BTS due in the next 7 days/);
    expect(h.chain.transfersTo('bittrex-deposit').filter((t) => t.fromName === 'broker')).toHaveLength(0);

    await h.chain.clientTransfer({ from: 'boss', to: 'broker', amountSats: sats(1), memo: memo(500) });
    await h.until(() => h!.chain.transfersTo('bittrex-deposit').some((t) => t.fromName === 'broker'), 10);
    for (let i = 0; i < 3; i++) await h.step();
    const moved = h.chain.transfersTo('bittrex-deposit').filter((t) => t.fromName === 'broker');
    expect(moved.map((t) => t.amountSats)).toEqual([sats(500)]);
    // The deposit memo of account 1 is what Bittrex credits by.
    expect(h.memoText(moved[0]!, h.deposit)).toBe(h.accounts[0]!.depositTag);
    const admin = h.db.prepare(`SELECT state FROM payouts WHERE purpose = 'broker_to_bittrex' ORDER BY id`).all();
    expect(admin).toEqual([{ state: 'failed' }, { state: 'paid' }]);
  }, 120_000);
});
