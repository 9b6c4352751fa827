import type { Database } from 'better-sqlite3';
import { BaseError } from '../errors/BaseError.js';
import { type BackupResult, backupDatabaseNow } from './backupDatabase.js';
import { knownSchemaVersion, MIGRATIONS_DIR, migrate, pendingMigrations, schemaVersion } from './migrate.js';
import { appendReceipt } from './receipts.js';

/** What `openDatabase` did to an older database: the receipt `schema_migrated` holds the same facts. */
export type SchemaMigration = {
  from: number;
  to: number;
  applied: number[];
  /** The checked copy taken before the first migration ran. */
  backup: BackupResult;
};

/**
 * Refuses a database written by a newer build: this one would misread its tables or write rows the newer build does
 * not expect. Called before anything is written to the file (not even the journal mode).
 * @throws BaseError('DB_SCHEMA_NEWER') in one sentence naming both versions
 */
export function refuseNewerSchema(db: Database, file: string, dir = MIGRATIONS_DIR): void {
  const found = schemaVersion(db);
  const known = knownSchemaVersion(dir);
  if (found > known) {
    throw new BaseError(
      'DB_SCHEMA_NEWER',
      `The database ${file} has schema v${found} but this stakebts build knows up to v${known}; upgrade stakebts or restore a backup made by this version.`,
    );
  }
}

/** `<db>.v3-before-v5-20270115T093000Z.sqlite`: beside the database, named for what it was and why it exists. */
export function preMigrationBackupName(file: string, from: number, to: number, nowMs: number): string {
  const t = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${file}.v${from}-before-v${to}-${t}.sqlite`;
}

/**
 * Brings the schema up to date. A fresh file (no schema yet) is simply created. A database at an older version is
 * first copied (checked, 0600, beside it) and only then migrated; the migration and the copy's name go into a
 * receipt in the same database, so the audit trail says when the schema changed and where the old one is kept. A
 * failed copy stops here: nothing is migrated without one.
 * @returns the migration done, or null when there was nothing to migrate or the file was fresh
 */
export function migrateWithBackup(db: Database, file: string, nowMs = Date.now(), dir = MIGRATIONS_DIR): SchemaMigration | null {
  const from = schemaVersion(db);
  if (from === 0 || file === ':memory:' || pendingMigrations(db, dir).length === 0) {
    migrate(db, dir);
    return null;
  }
  const to = knownSchemaVersion(dir);
  const backup = backupDatabaseNow(db, preMigrationBackupName(file, from, to, nowMs));
  const applied = migrate(db, dir);
  appendReceipt(
    db,
    0,
    {
      event: 'schema_migrated',
      from,
      to,
      applied,
      backup: backup.file,
      backupBytes: backup.bytes,
      backupLastReceiptHash: backup.lastReceiptHash,
    },
    nowMs,
  );
  return { from, to, applied, backup };
}
