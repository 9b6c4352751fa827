import type { Database } from 'better-sqlite3';

// What `status` and the metrics read from the database, typed once here (src/status builds the view from these).

/** Contracts whose principal is still owed. */
export function openContractCount(db: Database): number {
  return (
    db.prepare(`SELECT count(DISTINCT contract_id) AS n FROM stakes WHERE type = 'principal' AND status = 'pending'`).get() as { n: number }
  ).n;
}

/** Payments per state, with their sum in satoshis. */
export function payoutStateCounts(db: Database): Array<{ state: string; count: number; sats: bigint }> {
  const rows = db
    .prepare('SELECT state, count(*) AS n, coalesce(sum(amount_sats), 0) AS sats FROM payouts GROUP BY state ORDER BY state')
    .safeIntegers(true)
    .all() as Array<{ state: string; n: bigint; sats: bigint }>;
  return rows.map((r) => ({ state: r.state, count: Number(r.n), sats: r.sats }));
}

/** The newest receipt of one of these events: its time and its message. */
export function lastReceiptOf(db: Database, events: readonly string[]): { now: number; msg: string } | undefined {
  return db
    .prepare(
      `SELECT now, msg FROM receipts WHERE json_extract(msg, '$.event') IN (${events.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT 1`,
    )
    .get(...events) as { now: number; msg: string } | undefined;
}

/** The payments whose last try left an error, newest first. */
export function recentPayoutErrors(
  db: Database,
  limit: number,
): Array<{ id: number; purpose: string; state: string; last_error: string; updated_at: number }> {
  return db
    .prepare(`SELECT id, purpose, state, last_error, updated_at FROM payouts WHERE last_error IS NOT NULL ORDER BY updated_at DESC LIMIT ?`)
    .all(limit) as Array<{ id: number; purpose: string; state: string; last_error: string; updated_at: number }>;
}

/** The newest receipts of these events, newest first. */
export function recentReceiptsOf(db: Database, events: readonly string[], limit: number): Array<{ id: number; now: number; msg: string }> {
  return db
    .prepare(
      `SELECT id, now, msg FROM receipts WHERE json_extract(msg, '$.event') IN (${events.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT ?`,
    )
    .all(...events, limit) as Array<{ id: number; now: number; msg: string }>;
}

/** Incoming operations whose handling threw (`invalid:internal`). */
export function internalErrorCount(db: Database): number {
  return (db.prepare(`SELECT count(*) AS n FROM processed_ops WHERE outcome = 'invalid:internal'`).get() as { n: number }).n;
}
