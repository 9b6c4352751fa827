import { afterEach, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/audit/runReconcile.js';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import type { RailLedger, RailWithdrawal } from '../../src/payout/rails/Rail.js';
import { useTempDir } from '../helpers/tempDir.js';
import { Ledger, T0 } from './buildLedger.js';

const tempDir = useTempDir();
const open: Ledger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.db.close();
});

/**
 * An exchange other than Bittrex words its statuses its own way ("settled", "queued", "rejected"). The audit must
 * judge a withdrawal by the outcome the rail kind reads from that word, never by Bittrex's words.
 */
function otherExchange(withdrawals: RailWithdrawal[]): Pick<RailLedger, 'listWithdrawals'> {
  return { listWithdrawals: async () => withdrawals };
}

const withdrawal = (
  id: string,
  status: string,
  outcome: RailWithdrawal['outcome'],
  over: Partial<RailWithdrawal> = {},
): RailWithdrawal => ({
  rail: 'httpx1',
  id,
  clientWithdrawalId: `cw-${id}`,
  quantitySats: 3_000_000n,
  txCostSats: 0n,
  cryptoAddress: 'alice',
  status,
  outcome,
  time: T0,
  ...over,
});

describe('audit reconcile through an exchange rail that is not Bittrex', () => {
  it('matches a settled withdrawal, lists a queued one as in flight and ignores a rejected one, by outcome not by status word', async () => {
    const l = new Ledger(tempDir());
    open.push(l);
    const id = insertPayoutIntent(
      l.db,
      {
        sourceKey: 'p1',
        purpose: 'refund',
        contractId: null,
        stakeId: null,
        recipient: 'alice',
        recipientId: null,
        amountSats: 3_000_000n,
        memo: 'm',
      },
      T0,
    ).id;
    l.completePayout(id, T0, 'httpx1', 'W1', 'cw-W1');
    const r = await runReconcile({
      db: l.db,
      exchanges: new Map([
        [
          'httpx1',
          otherExchange([
            withdrawal('W1', 'settled', 'paid'),
            withdrawal('W2', 'queued', 'pending', { clientWithdrawalId: null, cryptoAddress: 'bob', quantitySats: 1_000_000n }),
            withdrawal('W3', 'rejected', 'void', { clientWithdrawalId: null, cryptoAddress: 'mallory' }),
          ]),
        ],
      ]),
    });
    // W2 has no payout: a difference even while on its way; W3 moved no money, so it is none.
    expect(r.issues.map((i) => `${i.kind} ${i.ref}`)).toEqual(['exchange_only httpx1 withdrawal W2']);
    expect(r.matched).toBe(1);
    expect(r.inFlight).toEqual([{ ref: 'httpx1 withdrawal W2', status: 'queued', recipient: 'bob', amountSats: 1_000_000n }]);
  });

  it('a Bittrex status word on another exchange means nothing by itself: "COMPLETED" with outcome pending is still in flight', async () => {
    const l = new Ledger(tempDir());
    open.push(l);
    const r = await runReconcile({
      db: l.db,
      exchanges: new Map([['httpx1', otherExchange([withdrawal('W9', 'COMPLETED', 'pending', { clientWithdrawalId: null })])]]),
    });
    expect(r.inFlight.map((f) => f.ref)).toEqual(['httpx1 withdrawal W9']);
  });
});
