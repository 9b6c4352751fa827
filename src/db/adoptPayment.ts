import type { Database } from 'better-sqlite3';
import { settleStakeRow } from './contracts.js';
import { nextAttemptNo } from './payoutAttempts.js';
import type { PayoutRow } from './payouts.js';
import { appendReceipt } from './receipts.js';

export type ChainEvidence = { txId: string; block: number; trx: number; op: number; blockTime: number };

/**
 * A payment the chain shows was made, by an attempt this database has no record of (it was made after the backup
 * this database was restored from): it is recorded as paid by that transfer, never made again. Any attempt still
 * live in this database is cancelled (the payment was made another way). One transaction with its receipt.
 * @returns false when the payment was already paid (nothing changes)
 */
export function adoptChainPayment(db: Database, p: PayoutRow, ev: ChainEvidence): boolean {
  return db.transaction((): boolean => {
    const now = Date.now();
    const fresh = db.prepare('SELECT state FROM payouts WHERE id = ?').get(p.id) as { state: string } | undefined;
    if (!fresh || fresh.state === 'paid') return false;
    const cancelled = db
      .prepare(
        `UPDATE payout_attempts SET state = 'cancelled', result = ?, updated_at = ? WHERE payout_id = ? AND state IN ('intent', 'submitted', 'unknown')`,
      )
      .run(JSON.stringify({ reason: `payment seen on chain in tx ${ev.txId}, made by an attempt this database had lost` }), now, p.id);
    db.prepare(
      `INSERT INTO payout_attempts (payout_id, attempt_no, rail, idem_key, request, tx_expiration, state, external_id, result, created_at, updated_at)
       VALUES (?, ?, 'broker', ?, ?, NULL, 'paid', ?, ?, ?, ?)`,
    ).run(
      p.id,
      nextAttemptNo(db, p.id),
      ev.txId,
      JSON.stringify({ adopted: 'seen on chain; the signed transaction is on chain, not in this database' }),
      ev.txId,
      JSON.stringify({ block: ev.block, trx: ev.trx, op: ev.op }),
      now,
      now,
    );
    db.prepare(
      `UPDATE payouts SET state = 'paid', rail = 'broker', external_id = ?, paid_at = ?, updated_at = ? WHERE id = ? AND state <> 'paid'`,
    ).run(ev.txId, now, now, p.id);
    const settled = p.stake_id === null ? null : settleStakeRow(db, p.stake_id, 'paid', ev.blockTime);
    appendReceipt(db, p.contract_id ?? 0, {
      event: 'payout_paid',
      payoutId: p.id,
      purpose: p.purpose,
      user: p.recipient,
      amountSats: p.amount_sats,
      rail: 'broker',
      idemKey: ev.txId,
      externalId: ev.txId,
      stakeId: p.stake_id,
      stakeSettled: settled,
      block: ev.block,
      trx: ev.trx,
      op: ev.op,
      adopted: true,
      attemptsCancelled: cancelled.changes,
    });
    return true;
  })();
}
