import type { Database } from 'better-sqlite3';

/** Totals the Prometheus counters are read from at scrape time (the database is the one source of truth). */
export type MetricsCounts = {
  /** Incoming operations by outcome ('stake', 'refund:…', 'invalid:internal'…): processed_ops.outcome, its prefix before ':'. */
  incoming: Array<{ outcome: string; count: number }>;
  payments: Array<{ rail: string; purpose: string; state: string; count: number }>;
  alarms: Array<{ kind: string; count: number }>;
};

export function readMetricsCounts(db: Database): MetricsCounts {
  const incoming = db
    .prepare(
      `SELECT CASE WHEN instr(outcome, ':') > 0 THEN substr(outcome, 1, instr(outcome, ':') - 1) ELSE outcome END AS outcome,
              count(*) AS n
         FROM processed_ops GROUP BY 1 ORDER BY 1`,
    )
    .all() as Array<{ outcome: string; n: number }>;
  const payments = db
    .prepare(`SELECT coalesce(rail, 'none') AS rail, purpose, state, count(*) AS n FROM payouts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
    .all() as Array<{ rail: string; purpose: string; state: string; n: number }>;
  const alarms = db
    .prepare(
      `SELECT coalesce(json_extract(msg, '$.kind'), 'unknown') AS kind, count(*) AS n FROM receipts
        WHERE json_extract(msg, '$.event') = 'alarm' GROUP BY 1 ORDER BY 1`,
    )
    .all() as Array<{ kind: string; n: number }>;
  return {
    incoming: incoming.map((r) => ({ outcome: r.outcome, count: r.n })),
    payments: payments.map((r) => ({ rail: r.rail, purpose: r.purpose, state: r.state, count: r.n })),
    alarms: alarms.map((r) => ({ kind: r.kind, count: r.n })),
  };
}
