import Database from 'better-sqlite3';
import { BaseError } from '../errors/BaseError.js';

export type DaemonLock = { release(): void };

/**
 * Takes the one-daemon-per-database lock: an exclusive SQLite transaction held open on `<db>.lock`.
 * The OS drops the underlying file lock when the process dies (even by SIGKILL), so a crash leaves no
 * stale lock to clear by hand, while a live daemon always blocks a second one.
 */
export function acquireDaemonLock(dbPath: string): DaemonLock {
  const lockPath = `${dbPath}.lock`;
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
      throw new BaseError('DB_LOCKED', `Another stakebts daemon is already running on ${dbPath}; stop it first.`, { cause: err });
    }
    throw new BaseError('DB_OPEN_FAILED', `Cannot take the daemon lock ${lockPath}.`, { cause: err });
  }
  let released = false;
  return {
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
