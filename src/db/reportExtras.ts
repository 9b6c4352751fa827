import type { Database } from 'better-sqlite3';

/** Paid payouts per UTC month of payment and rail (satoshis as decimal strings), up to `now`. */
export function paymentsByMonthAndRail(db: Database, now: number): Array<{ month: string; rail: string; payments: number; sats: string }> {
  return (
    db
      .prepare(
        `SELECT strftime('%Y-%m', paid_at / 1000, 'unixepoch') AS month, coalesce(rail, '?') AS rail, count(*) AS payments,
                CAST(sum(amount_sats) AS TEXT) AS sats
           FROM payouts WHERE state = 'paid' AND paid_at IS NOT NULL AND paid_at <= ? GROUP BY month, rail ORDER BY month, rail`,
      )
      .all(now) as Array<{ month: string; rail: string; payments: number; sats: string }>
  ).map((r) => ({ ...r, sats: String(r.sats) }));
}

/** The last receipt: its id and hash tie a report to the receipt chain. */
export function lastReceipt(db: Database): { id: number; hash: string; now: number } | null {
  return (
    (db.prepare('SELECT id, hash, now FROM receipts ORDER BY id DESC LIMIT 1').get() as
      | { id: number; hash: string; now: number }
      | undefined) ?? null
  );
}

/** The broker's balance from the last `balances` receipt the daemon wrote (satoshis), if any. */
export function lastBrokerBalance(db: Database): { sats: string; at: number } | null {
  const row = db
    .prepare(
      `SELECT CAST(json_extract(msg, '$.brokerBalanceSats') AS TEXT) AS sats, now FROM receipts
        WHERE json_extract(msg, '$.event') = 'balances' ORDER BY id DESC LIMIT 1`,
    )
    .get() as { sats: string | null; now: number } | undefined;
  return row?.sats ? { sats: row.sats, at: row.now } : null;
}
