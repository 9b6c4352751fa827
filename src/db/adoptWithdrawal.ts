import type { Database } from 'better-sqlite3';
import { nextAttemptNo } from './payoutAttempts.js';
import type { PayoutRow } from './payouts.js';
import { appendReceipt } from './receipts.js';

/**
 * An exchange withdrawal that pays `p`, made by an attempt this database has no record of (it was made after the
 * backup this database was restored from; its id is the one derived from the payment): it becomes the payment's
 * live attempt (`submitted`, tracked to COMPLETED or CANCELLED by reconciliation), and nothing else pays it. Any other
 * live attempt is cancelled. One transaction with its receipt.
 * @returns false when the payment is paid already or the withdrawal is already one of its attempts
 */
export function adoptExchangeWithdrawal(
  db: Database,
  p: PayoutRow,
  w: { rail: string; clientWithdrawalId: string; withdrawalId: string; status: string },
): boolean {
  return db.transaction((): boolean => {
    const now = Date.now();
    const fresh = db.prepare('SELECT state FROM payouts WHERE id = ?').get(p.id) as { state: string } | undefined;
    if (!fresh || fresh.state === 'paid' || fresh.state === 'failed') return false;
    if (db.prepare('SELECT 1 FROM payout_attempts WHERE idem_key = ?').get(w.clientWithdrawalId)) return false;
    const cancelled = db
      .prepare(
        `UPDATE payout_attempts SET state = 'cancelled', result = ?, updated_at = ? WHERE payout_id = ? AND state IN ('intent', 'submitted', 'unknown')`,
      )
      .run(
        JSON.stringify({ reason: `withdrawal ${w.withdrawalId} on ${w.rail} pays it (made by an attempt this database had lost)` }),
        now,
        p.id,
      );
    db.prepare(
      `INSERT INTO payout_attempts (payout_id, attempt_no, rail, idem_key, request, tx_expiration, state, external_id, result, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, NULL, 'submitted', ?, ?, ?, ?)`,
    ).run(
      p.id,
      nextAttemptNo(db, p.id),
      w.rail,
      w.clientWithdrawalId,
      JSON.stringify({ adopted: 'found on the exchange; the request body is on the exchange, not in this database' }),
      w.withdrawalId,
      JSON.stringify({ status: w.status }),
      now,
      now,
    );
    db.prepare(
      `UPDATE payouts SET state = 'submitted', rail = ?, external_id = ?, updated_at = ? WHERE id = ? AND state NOT IN ('paid', 'failed')`,
    ).run(w.rail, w.withdrawalId, now, p.id);
    appendReceipt(db, p.contract_id ?? 0, {
      event: 'payout_attempt_adopted',
      payoutId: p.id,
      rail: w.rail,
      idemKey: w.clientWithdrawalId,
      withdrawalId: w.withdrawalId,
      status: w.status,
      attemptsCancelled: cancelled.changes,
    });
    return true;
  })();
}
