import type { Database } from 'better-sqlite3';

/** What the demo's summary (and anyone wanting the desk in figures) reads from the database: rows, typed once here. */
export type DeskSummaryRows = {
  contracts: Array<{ months: number; status: string }>;
  paidByRail: Array<{ rail: string; purpose: string; count: number; sats: bigint }>;
  unpaidByState: Record<string, number>;
  refundsPaid: { count: number; sats: bigint };
  incomingByOutcome: Record<string, number>;
  adminActions: Array<{ manager: string; action: string; outcome: string }>;
  loansByManager: Array<{ manager: string; sats: bigint }>;
  /** Paid attempts of paid payments: the key the rail knows them by, and the amount. */
  paidAttempts: Array<{ rail: string; idemKey: string; amountSats: bigint }>;
};

export function readDeskSummaryRows(db: Database): DeskSummaryRows {
  const all = (sql: string) => db.prepare(sql).safeIntegers(true).all() as Array<Record<string, unknown>>;
  const num = (v: unknown) => Number(v as bigint);
  const big = (v: unknown) => (v === null || v === undefined ? 0n : (v as bigint));
  const refund =
    all(`SELECT count(*) AS n, coalesce(sum(amount_sats), 0) AS sats FROM payouts WHERE purpose = 'refund' AND state = 'paid'`)[0] ?? {};
  return {
    contracts: all(`SELECT c.months, s.status FROM contracts c JOIN stakes s ON s.contract_id = c.id AND s.type = 'principal'`).map(
      (r) => ({
        months: num(r.months),
        status: String(r.status),
      }),
    ),
    paidByRail: all(
      `SELECT rail, purpose, count(*) AS n, sum(amount_sats) AS sats FROM payouts WHERE state = 'paid' GROUP BY rail, purpose ORDER BY rail, purpose`,
    ).map((r) => ({ rail: String(r.rail), purpose: String(r.purpose), count: num(r.n), sats: big(r.sats) })),
    unpaidByState: Object.fromEntries(
      all(`SELECT state, count(*) AS n FROM payouts WHERE state <> 'paid' GROUP BY state`).map((r) => [String(r.state), num(r.n)]),
    ),
    refundsPaid: { count: num(refund.n ?? 0n), sats: big(refund.sats) },
    incomingByOutcome: Object.fromEntries(
      all('SELECT outcome, count(*) AS n FROM processed_ops GROUP BY outcome ORDER BY outcome').map((r) => [String(r.outcome), num(r.n)]),
    ),
    adminActions: all('SELECT manager, action, outcome FROM admin_actions ORDER BY id').map((r) => ({
      manager: String(r.manager),
      action: String(r.action),
      outcome: String(r.outcome),
    })),
    loansByManager: all('SELECT manager, sum(amount_sats) AS sats FROM loans GROUP BY manager ORDER BY manager').map((r) => ({
      manager: String(r.manager),
      sats: big(r.sats),
    })),
    paidAttempts: all(
      `SELECT a.rail, a.idem_key, p.amount_sats FROM payout_attempts a JOIN payouts p ON p.id = a.payout_id WHERE a.state = 'paid' AND p.state = 'paid'`,
    ).map((r) => ({ rail: String(r.rail), idemKey: String(r.idem_key), amountSats: big(r.amount_sats) })),
  };
}
