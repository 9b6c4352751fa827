import type { Database } from 'better-sqlite3';
import { BaseError } from '../errors/BaseError.js';

/**
 * SQLite's own check of the file: `quick_check` (seconds on a large file) or, on request, the full `integrity_check`.
 * A damaged database is refused in one sentence, before anything reads money from it.
 * @throws BaseError('DB_CORRUPT') naming the first problem SQLite reports
 */
export function checkIntegrity(db: Database, { full = false }: { full?: boolean } = {}): void {
  let rows: Array<Record<string, unknown>>;
  try {
    rows = db.pragma(full ? 'integrity_check(20)' : 'quick_check(20)') as Array<Record<string, unknown>>;
  } catch (err) {
    throw new BaseError('DB_CORRUPT', `The database is damaged (${shortError(err)}); restore the last backup (docs/operating.md).`, {
      cause: err,
    });
  }
  const findings = rows.map((r) => String(Object.values(r)[0] ?? '')).filter((t) => t !== 'ok');
  if (findings.length > 0) {
    throw new BaseError(
      'DB_CORRUPT',
      `The database is damaged (${full ? 'integrity_check' : 'quick_check'}: ${findings[0]!.slice(0, 160)}); restore the last backup (docs/operating.md).`,
    );
  }
}

function shortError(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 160);
}
