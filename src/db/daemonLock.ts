import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { BaseError } from '../errors/BaseError.js';

export type DaemonLock = {
  /** The database file the lock is for, with every symlink resolved. */
  realPath: string;
  release(): void;
};

/**
 * The path the database really lives at: symlinks resolved (on the file when it exists, else on its directory), so
 * every path that names the same file takes the same lock.
 */
export function realDatabasePath(dbPath: string): string {
  if (existsSync(dbPath)) return realpathSync(dbPath);
  const dir = dirname(dbPath);
  return join(existsSync(dir) ? realpathSync(dir) : dir, basename(dbPath));
}

/**
 * Takes the one-daemon-per-database lock, keyed on the database FILE, not on the path string:
 * 1. the path is resolved through symlinks, so `alias.sqlite -> db.sqlite` finds the lock on `db.sqlite` held;
 * 2. a database file with more than one hard link is refused: each link would get its own WAL and its own lock, so
 *    two daemons could each pay from their own view of the same file (measured: every refund paid twice, and a
 *    corrupted database);
 * 3. the lock itself is an exclusive SQLite transaction held open on `<real path>.lock`: the OS drops it when the
 *    process dies (even by SIGKILL), so a crash leaves no stale lock, while a live daemon always blocks a second one.
 */
export function acquireDaemonLock(dbPath: string): DaemonLock {
  const realPath = realDatabasePath(dbPath);
  assertSingleLink(realPath);
  const lockPath = `${realPath}.lock`;
  const lockDb = new Database(lockPath, { timeout: 0 });
  try {
    lockDb.pragma('locking_mode = EXCLUSIVE');
    lockDb.exec('BEGIN EXCLUSIVE');
    lockDb.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER, started_at INTEGER)');
    lockDb.prepare('INSERT INTO holder VALUES (?, ?)').run(process.pid, Date.now());
  } catch (err) {
    lockDb.close();
    const code = (err as { code?: string }).code ?? '';
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new BaseError('DB_LOCKED', `Another stakebts daemon is already running on ${realPath}; stop it first.`, { cause: err });
    }
    throw new BaseError('DB_OPEN_FAILED', `Cannot take the daemon lock ${lockPath}.`, { cause: err });
  }
  let released = false;
  return {
    realPath,
    release() {
      if (released) return;
      released = true;
      try {
        lockDb.exec('ROLLBACK');
      } finally {
        lockDb.close();
      }
    },
  };
}

/** Refuses a database file reachable under more than one name (hard links): see acquireDaemonLock. */
export function assertSingleLink(realPath: string): void {
  if (!existsSync(realPath)) return;
  const { nlink } = statSync(realPath);
  if (nlink > 1) {
    throw new BaseError(
      'DB_LOCKED',
      `The database ${realPath} has ${nlink} hard links; another name for the same file would bypass the one-daemon lock, so remove the extra link(s) and start again.`,
    );
  }
}

/**
 * Whether a daemon holds the lock of this database now (for `status`): the lock file is opened read-only and
 * probed without waiting; a live daemon's exclusive transaction makes the probe busy. Never creates the file.
 */
export function isDaemonLockHeld(dbPath: string): boolean {
  let lockDb: InstanceType<typeof Database> | undefined;
  try {
    lockDb = new Database(`${realDatabasePath(dbPath)}.lock`, { readonly: true, fileMustExist: true, timeout: 0 });
    lockDb.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
  } finally {
    lockDb?.close();
  }
}
