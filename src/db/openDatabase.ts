import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BaseError } from '../errors/BaseError.js';
import { migrateWithBackup, refuseNewerSchema, type SchemaMigration } from './migrateWithBackup.js';

export type OpenDatabaseOptions = {
  /** Open without writing anything (audit commands). The file must exist. @default false */
  readonly?: boolean;
  /** Apply pending migrations. @default !readonly */
  migrate?: boolean;
  /** How long a write waits for another connection's lock. @default 5_000 */
  busyTimeoutMs?: number;
  /** Told when an older schema was migrated forward (after its automatic backup), to log or print it. */
  onSchemaMigrated?: (migration: SchemaMigration) => void;
};

/**
 * Opens the stakebts SQLite file: WAL, synchronous=FULL (money), foreign keys, busy timeout, migrations.
 * Failures become one clear sentence (missing directory, not a database, locked) instead of a driver stack trace.
 * Schema guard: a database of a newer schema than this build knows is refused before anything is written to it
 * (readonly or not); an older one is migrated only after a checked backup beside it, with a `schema_migrated`
 * receipt (see migrateWithBackup).
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  const { readonly = false, busyTimeoutMs = 5_000 } = options;
  const shouldMigrate = options.migrate ?? !readonly;
  const file = resolve(path);
  if (path !== ':memory:') {
    const dir = dirname(file);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new BaseError('DB_OPEN_FAILED', `The database directory ${dir} does not exist; create it or set "db" in the config.`);
    }
    if (readonly && !existsSync(file)) {
      throw new BaseError('DB_OPEN_FAILED', `The database ${file} does not exist yet; start the daemon or run an import first.`);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path === ':memory:' ? path : file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
  } catch (err) {
    throw toOpenError(err, file);
  }
  try {
    refuseNewerSchema(db, file);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    if (shouldMigrate) {
      const migration = migrateWithBackup(db, path === ':memory:' ? path : file);
      if (migration) options.onSchemaMigrated?.(migration);
    } else db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    db.close();
    throw toOpenError(err, file);
  }
  return db;
}

function toOpenError(err: unknown, file: string): BaseError {
  if (err instanceof BaseError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new BaseError('DB_LOCKED', `The database ${file} is locked by another process; wait for it or stop it.`, { cause: err });
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new BaseError(
      'DB_CORRUPT',
      `The database ${file} is damaged (SQLite reports corruption); restore the last backup (docs/operating.md).`,
      {
        cause: err,
      },
    );
  }
  if (code === 'SQLITE_NOTADB') {
    return new BaseError('DB_OPEN_FAILED', `${file} is not a stakebts database (not an SQLite file).`, { cause: err });
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new BaseError('DB_OPEN_FAILED', `The database ${file} cannot be opened (check the path and permissions).`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new BaseError('DB_OPEN_FAILED', `The database ${file} could not be opened: ${message}`, { cause: err });
}

/**
 * A driver error met after opening (a write while another process holds the lock, a full disk) as one clear
 * sentence, or null when it is not a database condition a person can act on.
 */
export function asDatabaseError(err: unknown): BaseError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new BaseError('DB_LOCKED', 'The database is locked by another process (a writer holds it); try again when it is done.', {
      cause: err,
    });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new BaseError(
      'DB_CORRUPT',
      'The database is damaged (SQLite reports corruption); restore the last backup (docs/operating.md).',
      {
        cause: err,
      },
    );
  }
  if (code === 'SQLITE_FULL') return new BaseError('DB_OPEN_FAILED', 'The disk holding the database is full.', { cause: err });
  if (code === 'SQLITE_READONLY') return new BaseError('DB_OPEN_FAILED', 'The database is read-only for this process.', { cause: err });
  return null;
}
