import { afterEach, describe, expect, it } from 'vitest';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { btsToSats } from '../../src/domain/money.js';
import { refOf } from '../../src/domain/paymentKeys.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, payoutStates, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const sats = (bts: number) => btsToSats(bts);

describe('payout engine over both simulators: schedule', () => {
  it('pays the contract receipt, every interest on its month and the principal at maturity, once each; the penalty is aborted', async () => {
    h = await startHarness({ dir: tempDir() });
    const alice = h.clients.get('alice')!;
    await h.chain.clientTransfer({ from: 'alice', to: 'broker', amountSats: sats(25_000), memo: 'three_months' });

    // 1. Contract opened and its 1 BTS receipt paid.
    await h.until(() => h!.paidTo('alice').length === 1, 10);
    const contract = h.db.prepare('SELECT id, start FROM contracts').get() as { id: number; start: number };
    expect(h.paidTo('alice').map((t) => t.amountSats)).toEqual([sats(1)]);
    expect(h.memoText(h.paidTo('alice')[0]!, alice)).toContain(`stakebts contract ${contract.id}`);

    // 2. Three simulated months, one day per block, plus margin: interest ×3, then the principal.
    await h.until(() => h!.paidTo('alice').length === 5, 110);
    // Margin blocks: nothing more may ever be paid.
    for (let i = 0; i < 5; i++) await h.step(3);

    // Interest 3 and the principal fall due together and are paid concurrently: compare as sets, by memo.
    const paid = h.paidTo('alice');
    // Each memo ends with its payment's reference (the payout's UUID); the text before it is what the client reads.
    const uuids = new Set((h.db.prepare('SELECT uuid FROM payouts').all() as { uuid: string }[]).map((r) => r.uuid));
    for (const t of paid) expect(uuids.has(refOf(h.memoText(t, alice)) ?? '')).toBe(true);
    const byMemo = new Map(paid.map((t) => [h!.memoText(t, alice).replace(/ \(ref [0-9a-f-]{36}\)$/, ''), t]));
    expect(paid).toHaveLength(5);
    expect(byMemo.size).toBe(5);
    expect(paid.every((t) => t.fromName === 'broker')).toBe(true);
    const month = h.config.terms.monthMs;
    for (let k = 1; k <= 3; k++) {
      const t = byMemo.get(`stakebts contract ${contract.id} interest ${k}: 2000 BTS, we appreciate your business!`);
      expect(t?.amountSats).toBe(sats(2_000));
      // Paid after (not before) its due time, in block time.
      expect(t!.timeMs).toBeGreaterThanOrEqual(contract.start + k * month);
    }
    const principal = byMemo.get(`stakebts contract ${contract.id} principal: 25000 BTS, we appreciate your business!`);
    expect(principal?.amountSats).toBe(sats(25_000));
    expect(principal!.timeMs).toBeGreaterThanOrEqual(contract.start + 3 * month);

    const rows = h.db.prepare('SELECT type, number, status FROM stakes WHERE contract_id = ? ORDER BY type, number').all(contract.id);
    expect(rows).toEqual([
      { type: 'contract_3', number: 0, status: 'paid' },
      { type: 'interest', number: 1, status: 'paid' },
      { type: 'interest', number: 2, status: 'paid' },
      { type: 'interest', number: 3, status: 'paid' },
      { type: 'penalty', number: 0, status: 'aborted' },
      { type: 'principal', number: 0, status: 'paid' },
    ]);
    expect(payoutStates(h.db)).toEqual({ paid: 5 });
    // Every paid payout names its chain tx id, and that tx is the one in the ledger.
    const external = (h.db.prepare(`SELECT external_id FROM payouts ORDER BY id`).all() as { external_id: string }[]).map(
      (r) => r.external_id,
    );
    expect(external.sort()).toEqual(paid.map((t) => t.txId).sort());
    const events = (h.db.prepare(`SELECT json_extract(msg, '$.event') AS e FROM receipts`).all() as { e: string }[]).map((r) => r.e);
    expect(events.filter((e) => e === 'payout_paid')).toHaveLength(5);
    expect(events.filter((e) => e === 'penalty_aborted')).toHaveLength(1);
    expect(events.filter((e) => e === 'payout_intent')).toHaveLength(4);
    expect(verifyReceiptChain(h.db).ok).toBe(true);
  }, 240_000);

  it('pays a stop payout and an invalid-memo refund exactly once, and a second stop pays nothing', async () => {
    h = await startHarness({ dir: tempDir() });
    await h.chain.clientTransfer({ from: 'bob', to: 'broker', amountSats: sats(50_000), memo: 'six_months' });
    await h.until(() => h!.paidTo('bob').length === 1, 10); // contract receipt
    await h.chain.clientTransfer({ from: 'bob', to: 'broker', amountSats: sats(100), memo: 'stop' });
    await h.chain.clientTransfer({ from: 'carol', to: 'broker', amountSats: sats(500), memo: 'not a stake' });
    await h.until(() => h!.paidTo('bob').length === 2 && h!.paidTo('carol').length === 1, 10);
    // A second stop: no open contract, so it is an invalid request (refund 100 − 50 = 50 BTS), never a second payout.
    await h.chain.clientTransfer({ from: 'bob', to: 'broker', amountSats: sats(100), memo: 'stop' });
    await h.until(() => h!.paidTo('bob').length === 3, 10);
    for (let i = 0; i < 4; i++) await h.step(2);

    // 50000 − 15 % + the 100 BTS sent with the stop.
    expect(h.paidTo('bob').map((t) => t.amountSats)).toEqual([sats(1), sats(42_600), sats(50)]);
    expect(h.paidTo('carol').map((t) => t.amountSats)).toEqual([sats(450)]);
    expect(payoutStates(h.db)).toEqual({ paid: 4 });
    const purposes = (h.db.prepare('SELECT purpose FROM payouts ORDER BY id').all() as { purpose: string }[]).map((r) => r.purpose);
    expect(purposes.sort()).toEqual(['contract_receipt', 'refund', 'refund', 'stop']);
    expect(verifyReceiptChain(h.db).ok).toBe(true);
  }, 180_000);
});
