import type { Database } from 'better-sqlite3';
import { settleStakeRow } from '../db/contracts.js';
import { insertPayoutIntent } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import { btsToSats } from '../domain/money.js';
import { installmentMemo } from '../domain/paymentMemos.js';

export type ScheduleResult = { intents: number; penaltiesAborted: number };

/**
 * Step (a) of a cycle, with now = the last irreversible block time (RULES.md "Maturity and interest"), in ONE
 * transaction with its receipts:
 * 1. every `interest` / `principal` row due and still pending, not yet handed to a payment, becomes a payment
 *    intent (`source_key 'stake:<id>'`, so a repeat is a no-op); the row itself stays pending until paid;
 * 2. the `penalty` row of every contract whose principal is due (and not premature) becomes `aborted`.
 * A stop cannot race this: it skips rows that already have a payment (contracts.ts NOT_IN_PAYMENT).
 */
export function scheduleDue(db: Database, libNow: number): ScheduleResult {
  return db
    .transaction((): ScheduleResult => {
      const due = db
        .prepare(
          `SELECT s.id, s.contract_id, s.user, s.amount, s.type, s.number, s.due, c.user_id
             FROM stakes s JOIN contracts c ON c.id = s.contract_id
            WHERE s.status = 'pending' AND s.type IN ('interest', 'principal') AND s.due <= ?
              AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.stake_id = s.id)
            ORDER BY s.due, s.id`,
        )
        .all(libNow) as Array<{
        id: number;
        contract_id: number;
        user: string;
        amount: number;
        type: 'interest' | 'principal';
        number: number;
        due: number;
        user_id: string | null;
      }>;
      let intents = 0;
      for (const r of due) {
        if (r.amount <= 0) {
          // Nothing to send (a zero installment): the row is settled as paid without a transfer.
          settleStakeRow(db, r.id, 'paid', libNow);
          appendReceipt(db, r.contract_id, { event: 'installment_zero', stakeId: r.id, type: r.type, number: r.number, due: r.due });
          continue;
        }
        const { id, created } = insertPayoutIntent(
          db,
          {
            sourceKey: `stake:${r.id}`,
            purpose: r.type,
            contractId: r.contract_id,
            stakeId: r.id,
            recipient: r.user,
            recipientId: r.user_id,
            amountSats: btsToSats(r.amount),
            memo: installmentMemo({ contractId: r.contract_id, type: r.type, number: r.number, amountBts: r.amount }),
          },
          Date.now(),
        );
        if (!created) continue;
        intents++;
        appendReceipt(db, r.contract_id, {
          event: 'payout_intent',
          payoutId: id,
          purpose: r.type,
          stakeId: r.id,
          number: r.number,
          user: r.user,
          amountBts: r.amount,
          due: r.due,
          libNow,
        });
      }
      const penalties = db
        .prepare(
          `SELECT pen.id, pen.contract_id, pen.amount, pr.due
             FROM stakes pen JOIN stakes pr ON pr.contract_id = pen.contract_id AND pr.type = 'principal'
            WHERE pen.type = 'penalty' AND pen.status = 'pending' AND pr.due <= ? AND pr.status <> 'premature'`,
        )
        .all(libNow) as Array<{ id: number; contract_id: number; amount: number; due: number }>;
      let penaltiesAborted = 0;
      for (const pen of penalties) {
        if (!settleStakeRow(db, pen.id, 'aborted', libNow)) continue;
        penaltiesAborted++;
        appendReceipt(db, pen.contract_id, {
          event: 'penalty_aborted',
          stakeId: pen.id,
          amountBts: pen.amount,
          maturedAt: pen.due,
          libNow,
        });
      }
      return { intents, penaltiesAborted };
    })
    .immediate();
}
