import type { Database, Statement } from 'better-sqlite3';

const caches = new WeakMap<Database, Map<string, Statement>>();

/**
 * `db.prepare(sql)`, compiled once per connection. Compiling is most of the cost of a small statement
 * (≈ 0.1 ms each), and applying one block with a stake runs a few dozen of them: on a catch-up that
 * compiling was a tenth of the time. Used for the statements of the block-apply and payment paths.
 *
 * A cached statement is shared: callers run it (run/get/all) and never change its modes (pluck, raw,
 * safeIntegers) unless every caller of that SQL text sets the same, and never hold it in an iterate().
 */
export function cached(db: Database, sql: string): Statement {
  let byText = caches.get(db);
  if (!byText) {
    byText = new Map();
    caches.set(db, byText);
  }
  let stmt = byText.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    byText.set(sql, stmt);
  }
  return stmt;
}
