import type { Database } from 'better-sqlite3';
import { settleStakeRow } from './contracts.js';
import { type AttemptRow, insertAttemptIntent, LIVE_ATTEMPT_STATES, moveAttempt, nextAttemptNo } from './payoutAttempts.js';
import type { PayoutRow, PayoutState } from './payouts.js';
import { appendReceipt } from './receipts.js';
import { cached } from './statementCache.js';

/**
 * Every state change of a payment, in one module: each ONE immediate transaction with its receipt. Every update is
 * guarded by the expected state (`WHERE state IN …`); a transition that finds the row elsewhere changes nothing.
 * (The claim pending → sending is `insertAttemptIntent`, which must commit together with its attempt row; adoptions
 * of a payment found on a rail after a restore are in adoptPayment.ts / adoptWithdrawal.ts and use `movePayout`.)
 */

const OPEN: readonly PayoutState[] = ['sending', 'unknown', 'submitted'];

export function movePayout(
  db: Database,
  id: number,
  from: readonly PayoutState[],
  to: PayoutState,
  set: Record<string, unknown> = {},
  now = Date.now(),
): boolean {
  const cols = Object.keys(set);
  const extra = cols.map((c) => `, ${c} = @${c}`).join('');
  const info = cached(
    db,
    `UPDATE payouts SET state = @to, updated_at = @now${extra} WHERE id = @id AND state IN (${from.map((s) => `'${s}'`).join(', ')})`,
  ).run({ ...set, to, now, id });
  return info.changes === 1;
}

const nonceOf = (p: PayoutRow) => p.contract_id ?? 0;

/** A payment proven made (chain evidence in an irreversible block, or a COMPLETED withdrawal). */
export function markPaid(
  db: Database,
  p: PayoutRow,
  a: AttemptRow,
  ev: { externalId: string; libNow: number; facts: Record<string, unknown> },
): boolean {
  return db
    .transaction((): boolean => {
      if (!moveAttempt(db, a.id, LIVE_ATTEMPT_STATES, 'paid', { externalId: ev.externalId, result: ev.facts })) return false;
      if (!movePayout(db, p.id, OPEN, 'paid', { external_id: ev.externalId, rail: a.rail, paid_at: Date.now() })) {
        throw new Error(`payout ${p.id} was not open while its attempt ${a.id} was live`);
      }
      const settled = p.stake_id === null ? null : settleStakeRow(db, p.stake_id, 'paid', ev.libNow);
      appendReceipt(db, nonceOf(p), {
        event: 'payout_paid',
        payoutId: p.id,
        purpose: p.purpose,
        user: p.recipient,
        amountSats: p.amount_sats,
        rail: a.rail,
        idemKey: a.idem_key,
        externalId: ev.externalId,
        stakeId: p.stake_id,
        stakeSettled: settled,
        ...ev.facts,
      });
      return true;
    })
    .immediate();
}

/** The attempt definitely did not pay (rejected, expired, cancelled): the payment is due again. */
export function attemptEnded(
  db: Database,
  p: PayoutRow,
  a: AttemptRow,
  to: 'rejected' | 'expired' | 'cancelled',
  facts: Record<string, unknown>,
): boolean {
  return db
    .transaction((): boolean => {
      if (!moveAttempt(db, a.id, LIVE_ATTEMPT_STATES, to, { result: facts })) return false;
      movePayout(db, p.id, OPEN, 'pending');
      appendReceipt(db, nonceOf(p), { event: `payout_attempt_${to}`, payoutId: p.id, rail: a.rail, idemKey: a.idem_key, ...facts });
      return true;
    })
    .immediate();
}

/** The rail holds the payment (broadcast accepted, withdrawal created): track it. */
export function attemptSubmitted(
  db: Database,
  p: PayoutRow,
  a: AttemptRow,
  externalId: string | null,
  facts: Record<string, unknown>,
): boolean {
  return db
    .transaction((): boolean => {
      if (!moveAttempt(db, a.id, ['intent', 'unknown'], 'submitted', { externalId, result: facts })) return false;
      movePayout(db, p.id, ['sending', 'unknown'], 'submitted', externalId === null ? {} : { external_id: externalId });
      appendReceipt(db, nonceOf(p), {
        event: 'payout_attempt_submitted',
        payoutId: p.id,
        rail: a.rail,
        idemKey: a.idem_key,
        externalId,
        ...facts,
      });
      return true;
    })
    .immediate();
}

/** Outcome not known (timeout, crash, killed worker, 5xx): reconcile on the same rail with the same key. */
export function attemptUnknown(db: Database, p: PayoutRow, a: AttemptRow, facts: Record<string, unknown>): boolean {
  return db
    .transaction((): boolean => {
      if (!moveAttempt(db, a.id, ['intent'], 'unknown', { result: facts })) return false;
      movePayout(db, p.id, ['sending'], 'unknown');
      appendReceipt(db, nonceOf(p), { event: 'payout_attempt_unknown', payoutId: p.id, rail: a.rail, idemKey: a.idem_key, ...facts });
      return true;
    })
    .immediate();
}

/** Nothing was sent (retryable answer): the live attempt waits and is re-sent with the same key after `at`. */
export function attemptRetryLater(db: Database, p: PayoutRow, a: AttemptRow, at: number, facts: Record<string, unknown>): void {
  db.transaction(() => {
    setNextTry(db, p.id, at, String(facts.code ?? 'retry'));
    appendReceipt(db, nonceOf(p), {
      event: 'payout_attempt_retry',
      payoutId: p.id,
      rail: a.rail,
      idemKey: a.idem_key,
      retryAt: at,
      ...facts,
    });
  }).immediate();
}

/** The payment ends without being paid (admin move refused or impossible, invalid address). Final. */
export function payoutFailed(
  db: Database,
  p: PayoutRow,
  event: string,
  facts: Record<string, unknown>,
  cancelAttempt?: AttemptRow,
): boolean {
  return db
    .transaction((): boolean => {
      if (cancelAttempt && !moveAttempt(db, cancelAttempt.id, LIVE_ATTEMPT_STATES, 'cancelled', { result: facts })) return false;
      if (
        !movePayout(db, p.id, ['pending', 'sending', 'unknown', 'submitted'], 'failed', {
          last_error: String(facts.reason ?? event).slice(0, 300),
        })
      )
        return false;
      appendReceipt(db, nonceOf(p), { event, payoutId: p.id, purpose: p.purpose, user: p.recipient, amountSats: p.amount_sats, ...facts });
      return true;
    })
    .immediate();
}

/** When the payment is next tried, and why it waits (a throttled rail, a node down): no state change. */
function setNextTry(db: Database, id: number, at: number, error: string, onlyPending = false): boolean {
  const info = cached(
    db,
    `UPDATE payouts SET next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?${onlyPending ? " AND state = 'pending'" : ''}`,
  ).run(at, error, Date.now(), id);
  return info.changes === 1;
}

/** A pending payment a rail asked to try again later (the same rail, nothing sent): it waits until `at`. */
export function retryPendingLater(db: Database, id: number, at: number, error: string): boolean {
  return setNextTry(db, id, at, error, true);
}

/**
 * Every rail refused a pending payment for now: one more try counted, next try at `at`. Inside the caller's transaction
 * (it adds the receipt and, when short of funds, the support notice); false when the payment is no longer pending.
 */
export function deferPending(db: Database, id: number, at: number, error: string): boolean {
  const info = cached(
    db,
    `UPDATE payouts SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = 'pending'`,
  ).run(at, error.slice(0, 300), Date.now(), id);
  return info.changes === 1;
}

/**
 * A payment marked in flight without a live attempt cannot have sent anything (nothing is sent before its attempt is
 * committed): it is due again, with a receipt. False when another path moved it first.
 */
export function resetOrphanedPayment(db: Database, p: PayoutRow): boolean {
  return db
    .transaction((): boolean => {
      if (!movePayout(db, p.id, OPEN, 'pending')) return false;
      appendReceipt(db, nonceOf(p), { event: 'payout_reset', payoutId: p.id, reason: 'in flight without a live attempt' });
      return true;
    })
    .immediate();
}

/**
 * Rule 1 of exactly-once, for every rail: in ONE transaction, claim the pending payment, insert its attempt (`intent`,
 * the idempotency key and the exact request that will be sent) and its `payout_attempt` receipt. `build` gets the
 * attempt's number (keys derived from it are found again after a restore). Null when the payment is not pending:
 * then nothing may be sent.
 */
export function commitAttempt(
  db: Database,
  p: PayoutRow,
  rail: string,
  build: (attemptNo: number) => { idemKey: string; request: string; txExpiration: number | null; facts: Record<string, unknown> },
): AttemptRow | null {
  return db
    .transaction((): AttemptRow | null => {
      const b = build(nextAttemptNo(db, p.id));
      const a = insertAttemptIntent(db, { payoutId: p.id, rail, idemKey: b.idemKey, request: b.request, txExpiration: b.txExpiration });
      if (!a) return null;
      appendReceipt(db, nonceOf(p), {
        event: 'payout_attempt',
        payoutId: p.id,
        rail,
        attemptNo: a.attempt_no,
        idemKey: a.idem_key,
        ...b.facts,
      });
      return a;
    })
    .immediate();
}
