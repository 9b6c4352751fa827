import { afterEach, describe, expect, it } from 'vitest';
import { btsToSats } from '../../src/domain/money.js';
import { importLegacyContracts } from '../../src/import/importLegacyContracts.js';
import { useTempDir } from '../helpers/tempDir.js';
import { DAY_MS, type Harness, payoutStates, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const events = (harness: Harness) =>
  (harness.db.prepare('SELECT msg FROM receipts ORDER BY id').all() as { msg: string }[]).map(
    (r) => JSON.parse(r.msg) as Record<string, unknown>,
  );

describe('a refusal caused by the payment itself is not a rail failure', () => {
  it('a payment to an account that does not exist fails with a receipt and an alarm; no other rail is tried', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 1_000_000, bittrexBts: [1_000_000, 1_000_000, 1_000_000] });
    // A legacy contract of an account that is not on this chain, whose first interest is due.
    importLegacyContracts(h.db, `ghost-account ${h.chain.headTimeMs - 31 * DAY_MS} 25000 3 0\n`, h.config.terms);
    await h.step(1);
    await h.step(1);
    await h.step(1);
    expect(payoutStates(h.db)).toEqual({ failed: 1 });
    // The exchange was never asked: its ledgers hold no withdrawal at all.
    for (const i of [0, 1, 2]) expect(h.bittrex.ledger(i)).toEqual([]);
    const failed = events(h).find((e) => e.event === 'payout_failed');
    expect(failed).toMatchObject({ purpose: 'interest', user: 'ghost-account', rail: 'broker', code: 'UNKNOWN_RECIPIENT' });
    expect(events(h).filter((e) => e.event === 'alarm')).toEqual([
      expect.objectContaining({ kind: 'payment_refused', payoutId: failed?.payoutId, code: 'UNKNOWN_RECIPIENT' }),
    ]);
    // The row stays owed (pending) for the manager to settle by hand; it is never retried blindly.
    const row = h.db.prepare(`SELECT status FROM stakes WHERE type = 'interest' AND number = 1`).get();
    expect(row).toEqual({ status: 'pending' });
    await h.step(1);
    expect(h.db.prepare('SELECT count(*) AS n FROM payouts').get()).toEqual({ n: 1 });
  }, 60_000);

  it('a node refusing the broadcast because of the recipient (not whitelisted for the asset) fails the payment with an alarm; no other rail', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 1_000_000, bittrexBts: [1_000_000, 1_000_000, 1_000_000] });
    const alice = h.clients.get('alice')!;
    h.chain.faults.errors = {
      broadcast_transaction: {
        name: 'transfer_to_account_not_whitelisted',
        code: 3050002,
        message: 'owner mismatch',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: fc's own format string, placeholders and all
        format: "'to' account ${to} is not whitelisted for asset ${asset}",
        data: { to: alice.id, asset: '1.3.0' },
      },
    };
    await h.chain.clientTransfer({ from: 'alice', to: 'broker', amountSats: btsToSats(500), memo: 'not a stake' });
    for (let i = 0; i < 4; i++) await h.step(1);
    expect(payoutStates(h.db)).toEqual({ failed: 1 });
    for (const i of [0, 1, 2]) expect(h.bittrex.ledger(i)).toEqual([]);
    expect(events(h).filter((e) => e.event === 'alarm')).toEqual([
      expect.objectContaining({ kind: 'payment_refused', code: 'transfer_to_account_not_whitelisted', purpose: 'refund', user: 'alice' }),
    ]);
    expect(h.db.prepare('SELECT rail, state FROM payout_attempts').all()).toEqual([{ rail: 'broker', state: 'rejected' }]);
  }, 60_000);
});
