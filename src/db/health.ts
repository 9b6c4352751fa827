import type { Database } from 'better-sqlite3';

/** The facts health is judged on that only the database knows (read-only queries; safe while the daemon runs). */
export type HealthFacts = {
  /** When the longest-uncertain payment (state unknown) last changed, or null when none is uncertain. */
  oldestUncertainAt: number | null;
  /** Alarms receipted since the last start-up receipt, by kind: a restart after handling them clears them. */
  alarmsSinceStart: Array<{ kind: string; count: number }>;
};

export function readHealthFacts(db: Database): HealthFacts {
  const uncertain = db.prepare(`SELECT min(updated_at) AS at FROM payouts WHERE state = 'unknown'`).get() as { at: number | null };
  const alarms = db
    .prepare(
      `SELECT json_extract(msg, '$.kind') AS kind, count(*) AS n FROM receipts
        WHERE json_extract(msg, '$.event') = 'alarm'
          AND id > coalesce((SELECT max(id) FROM receipts WHERE json_extract(msg, '$.event') = 'startup'), 0)
        GROUP BY kind ORDER BY kind`,
    )
    .all() as Array<{ kind: string | null; n: number }>;
  return {
    oldestUncertainAt: uncertain.at,
    alarmsSinceStart: alarms.map((a) => ({ kind: a.kind ?? 'unknown', count: a.n })),
  };
}
