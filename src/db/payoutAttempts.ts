import type { Database } from 'better-sqlite3';
import { BaseError } from '../errors/BaseError.js';
import { Secret } from '../wallet/Secret.js';
import { cached } from './statementCache.js';

/** A try of one payment on one rail (table payout_attempts). */
export type AttemptState = 'intent' | 'submitted' | 'unknown' | 'paid' | 'rejected' | 'cancelled' | 'expired';

/** States in which the attempt may still pay (the schema allows at most one per payout). */
export const LIVE_ATTEMPT_STATES: readonly AttemptState[] = ['intent', 'submitted', 'unknown'];

export type AttemptRow = {
  id: number;
  payout_id: number;
  attempt_no: number;
  rail: string;
  idem_key: string;
  request: string;
  tx_expiration: number | null;
  state: AttemptState;
  external_id: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
};

const ATTEMPT_STATES: ReadonlySet<string> = new Set<AttemptState>([
  'intent',
  'submitted',
  'unknown',
  'paid',
  'rejected',
  'cancelled',
  'expired',
]);

/**
 * A payout_attempts row read once here into an {@link AttemptRow}: an unknown state, a missing key or request is a
 * damaged database, never an attempt to reconcile or re-send.
 * @throws BaseError('DB_CORRUPT')
 */
export function readAttemptRow(raw: unknown): AttemptRow {
  const r = raw as AttemptRow;
  if (
    typeof r?.id !== 'number' ||
    !ATTEMPT_STATES.has(r.state) ||
    typeof r.rail !== 'string' ||
    typeof r.idem_key !== 'string' ||
    typeof r.request !== 'string' ||
    !(r.tx_expiration === null || Number.isSafeInteger(r.tx_expiration))
  ) {
    throw new BaseError('DB_CORRUPT', `The payout_attempts row ${String(r?.id)} is not one this schema writes; the database is damaged.`);
  }
  return r;
}
const one = (raw: unknown): AttemptRow | undefined => (raw === undefined ? undefined : readAttemptRow(raw));

export type NewAttempt = {
  payoutId: number;
  rail: string;
  /** Bittrex clientWithdrawalId or the chain tx id. */
  idemKey: string;
  /** The exact body (Bittrex) or signed tx JSON (chain) that is sent, verbatim on every re-send. */
  request: string;
  /** Chain rail: tx expiration, unix seconds. */
  txExpiration: number | null;
};

/**
 * Rule 1 of exactly-once: in ONE transaction, insert the attempt (`intent`) and move the payment
 * pending → sending. The guarded update is the atomic claim; if it changes no row (the payment is not
 * pending) nothing is written and null is returned, so nothing may be sent.
 * Must be called inside a transaction (the caller adds the receipt).
 */
export function insertAttemptIntent(db: Database, a: NewAttempt, now = Date.now()): AttemptRow | null {
  const claimed = cached(db, `UPDATE payouts SET state = 'sending', rail = ?, updated_at = ? WHERE id = ? AND state = 'pending'`).run(
    a.rail,
    now,
    a.payoutId,
  );
  if (claimed.changes !== 1) return null;
  const next = { n: nextAttemptNo(db, a.payoutId) };
  const info = cached(
    db,
    `INSERT INTO payout_attempts (payout_id, attempt_no, rail, idem_key, request, tx_expiration, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'intent', ?, ?)`,
  ).run(a.payoutId, next.n, a.rail, a.idemKey, a.request, a.txExpiration, now, now);
  return getAttempt(db, Number(info.lastInsertRowid)) ?? null;
}

/** The number the payment's next attempt gets (1 for the first). */
export function nextAttemptNo(db: Database, payoutId: number): number {
  return (
    cached(db, 'SELECT coalesce(max(attempt_no), 0) + 1 AS n FROM payout_attempts WHERE payout_id = ?').get(payoutId) as { n: number }
  ).n;
}

export function getAttempt(db: Database, id: number): AttemptRow | undefined {
  return one(cached(db, 'SELECT * FROM payout_attempts WHERE id = ?').get(id));
}

/** The payment's live attempt (intent / submitted / unknown), if any. */
export function liveAttemptOf(db: Database, payoutId: number): AttemptRow | undefined {
  return one(
    cached(
      db,
      `SELECT * FROM payout_attempts WHERE payout_id = ? AND state IN ('intent', 'submitted', 'unknown') ORDER BY id DESC LIMIT 1`,
    ).get(payoutId),
  );
}

export function attemptsOf(db: Database, payoutId: number): AttemptRow[] {
  return cached(db, 'SELECT * FROM payout_attempts WHERE payout_id = ? ORDER BY attempt_no').all(payoutId).map(readAttemptRow);
}

/**
 * Guarded transition: changes the attempt only if it is in one of `from`. Returns false when another path
 * got there first (then the caller must not act on the transition). The result often quotes an outside system (a
 * node's error, an exchange's code): any known secret value in it is stored as `[REDACTED]`.
 */
export function moveAttempt(
  db: Database,
  id: number,
  from: readonly AttemptState[],
  to: AttemptState,
  fields: { externalId?: string | null; result?: unknown } = {},
  now = Date.now(),
): boolean {
  const placeholders = from.map(() => '?').join(', ');
  const info = cached(
    db,
    `UPDATE payout_attempts SET state = ?, external_id = coalesce(?, external_id), result = coalesce(?, result), updated_at = ?
       WHERE id = ? AND state IN (${placeholders})`,
  ).run(
    to,
    fields.externalId ?? null,
    fields.result === undefined ? null : Secret.scrub(JSON.stringify(fields.result, bigintJson)),
    now,
    id,
    ...from,
  );
  return info.changes === 1;
}

function bigintJson(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** Whether this rail has an attempt under this idempotency key (an exchange withdrawal id we made). */
export function attemptKeyKnown(db: Database, idemKey: string, rail: string): boolean {
  return cached(db, 'SELECT 1 FROM payout_attempts WHERE idem_key = ? AND rail = ?').get(idemKey, rail) !== undefined;
}
