import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

/** db/ at the repository root, whether running from src/ (tests, tsx) or dist/ (compiled). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/', import.meta.url));

/**
 * Applies every `db/NNN_name.sql` not yet applied, in order, each in its own transaction.
 * @returns the versions applied now.
 */
export function migrate(db: Database, dir = MIGRATIONS_DIR): number[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  const applied = new Set<number>(
    hasTable ? (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version) : [],
  );
  const done: number[] = [];
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    if (applied.has(version)) continue;
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, Date.now());
    }).immediate();
    done.push(version);
  }
  return done;
}
