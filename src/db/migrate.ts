import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

/** db/ at the repository root, whether running from src/ (tests, tsx) or dist/ (compiled). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/', import.meta.url));

function migrationFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
}

/** The newest schema version this build knows: the number of its last `db/NNN_name.sql`. */
export function knownSchemaVersion(dir = MIGRATIONS_DIR): number {
  const files = migrationFiles(dir);
  return files.length === 0 ? 0 : Number(files[files.length - 1]!.slice(0, 3));
}

/** The versions applied to this database, ascending; empty for a fresh file (no `schema_migrations` yet). */
export function appliedSchemaVersions(db: Database): number[] {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasTable) return [];
  return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
}

/** The database's schema version: its newest applied migration, 0 for a fresh file. */
export function schemaVersion(db: Database): number {
  const applied = appliedSchemaVersions(db);
  return applied.length === 0 ? 0 : applied[applied.length - 1]!;
}

/** The migrations of `dir` not applied to this database yet, in order. */
export function pendingMigrations(db: Database, dir = MIGRATIONS_DIR): number[] {
  const applied = new Set(appliedSchemaVersions(db));
  return migrationFiles(dir)
    .map((f) => Number(f.slice(0, 3)))
    .filter((v) => !applied.has(v));
}

/**
 * Applies every `db/NNN_name.sql` not yet applied, in order, each in its own transaction.
 * @returns the versions applied now.
 */
export function migrate(db: Database, dir = MIGRATIONS_DIR): number[] {
  const applied = new Set(appliedSchemaVersions(db));
  const done: number[] = [];
  for (const file of migrationFiles(dir)) {
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
