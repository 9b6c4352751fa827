import type { Database } from 'better-sqlite3';
import { settleStakeRow } from '../db/contracts.js';
import { insertPayoutIntent } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import { dueRowsAt } from '../db/stakes.js';
import { btsToSats } from '../domain/money.js';
import { stakeRowKey } from '../domain/paymentKeys.js';
import { installmentMemo } from '../domain/paymentMemos.js';
import { settleDue } from '../domain/settleDue.js';

export type SettleDueResult = { intents: number; penaltiesAborted: number };

/**
 * Settles everything due at chain time `at` (RULES.md "Maturity and interest"), inside the caller's transaction:
 * 1. every `interest` / `principal` row due and not yet handed to a payment becomes a payment intent
 *    (its key names the contract and the row, so a repeat is a no-op); the row stays pending until the payment is made;
 * 2. a due row of amount 0 is settled as paid, nothing is sent;
 * 3. the `penalty` row of every matured contract (principal due, not stopped) becomes `aborted`.
 * The ledger calls it before it applies a block's operations, with the block's timestamp, so a stop in a late-applied
 * block finds matured contracts matured and due interest owed; the payout loop calls it with the cursor's time.
 */
export function settleDueAt(db: Database, at: number): SettleDueResult {
  const rows = dueRowsAt(db, at);
  if (rows.length === 0) return { intents: 0, penaltiesAborted: 0 };
  const plan = settleDue(rows, at);
  let intents = 0;
  for (const r of plan.pay) {
    const { id, created } = insertPayoutIntent(db, {
      sourceKey: stakeRowKey(r.contractKey, r.type, r.number),
      purpose: r.type as 'interest' | 'principal',
      contractId: r.contractId,
      stakeId: r.id,
      recipient: r.user,
      recipientId: r.userId,
      amountSats: btsToSats(r.amount),
      memo: installmentMemo({ contractId: r.contractId, type: r.type, number: r.number, amountBts: r.amount }),
    });
    if (!created) continue;
    intents++;
    appendReceipt(db, r.contractId, {
      event: 'payout_intent',
      payoutId: id,
      purpose: r.type,
      stakeId: r.id,
      number: r.number,
      user: r.user,
      amountBts: r.amount,
      due: r.due,
      libNow: at,
    });
  }
  for (const r of plan.settleZero) {
    if (!settleStakeRow(db, r.id, 'paid', at)) continue;
    appendReceipt(db, r.contractId, { event: 'installment_zero', stakeId: r.id, type: r.type, number: r.number, due: r.due });
  }
  let penaltiesAborted = 0;
  for (const pen of plan.abortPenalties) {
    if (!settleStakeRow(db, pen.id, 'aborted', at)) continue;
    penaltiesAborted++;
    appendReceipt(db, pen.contractId, { event: 'penalty_aborted', stakeId: pen.id, amountBts: pen.amount, maturedAt: pen.due, libNow: at });
  }
  return { intents, penaltiesAborted };
}
