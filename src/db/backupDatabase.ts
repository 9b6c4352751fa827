import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { BaseError } from '../errors/BaseError.js';
import { checkIntegrity } from './checkIntegrity.js';
import { readCursor } from './cursor.js';
import { openDatabase } from './openDatabase.js';
import { lastReceipt, verifyReceiptChain } from './receipts.js';

export type BackupResult = {
  file: string;
  bytes: number;
  /** Block the copy's listener had applied: a restart from it rescans from the next block. */
  cursorBlock: number | null;
  receipts: number;
  /** Hash of the copy's last receipt: ties the copy to the receipt chain of the live database. */
  lastReceiptHash: string | null;
};

/**
 * An online copy of the database with SQLite's backup API, consistent while the daemon keeps writing (the copy
 * restarts by itself if the source changes under it). The copy is written beside its destination and renamed into
 * place only once it passed `quick_check` and its receipt chain verified, so a backup file is always whole; it is
 * private (0600) like the database.
 * @throws BaseError('USAGE') when the destination exists (never written over), ('DB_OPEN_FAILED') when it cannot be written, ('DB_CORRUPT') when the copy fails its checks
 */
export async function backupDatabase(db: Database, dest: string): Promise<BackupResult> {
  if (existsSync(dest)) throw new BaseError('USAGE', `The backup file ${dest} exists already; choose a new name.`);
  const tmp = `${dest}.partial`;
  rmSync(tmp, { force: true });
  try {
    // Everything left in one step: a daemon writing between small steps would restart the copy again and again.
    await db.backup(tmp, { progress: () => 0x7fffffff });
  } catch (err) {
    rmSync(tmp, { force: true });
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new BaseError('DB_OPEN_FAILED', `The backup to ${dest} could not be written (${reason}).`, { cause: err });
  }
  return keepCheckedCopy(tmp, dest);
}

/**
 * The same checked copy, made synchronously with `VACUUM INTO` (a consistent snapshot in one statement, compacted):
 * for the one caller that cannot wait, the backup taken inside `openDatabase` before an older schema is migrated.
 * @throws as backupDatabase
 */
export function backupDatabaseNow(db: Database, dest: string): BackupResult {
  if (existsSync(dest)) throw new BaseError('USAGE', `The backup file ${dest} exists already; choose a new name.`);
  const tmp = `${dest}.partial`;
  rmSync(tmp, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new BaseError('DB_OPEN_FAILED', `The backup to ${dest} could not be written (${reason}).`, { cause: err });
  }
  return keepCheckedCopy(tmp, dest);
}

/** Makes the copy at `tmp` private, checks it (quick_check, receipt chain) and renames it to `dest`, or removes it. */
function keepCheckedCopy(tmp: string, dest: string): BackupResult {
  chmodSync(tmp, 0o600);
  let result: BackupResult;
  const copy = openDatabase(tmp, { readonly: true });
  try {
    checkIntegrity(copy);
    const chain = verifyReceiptChain(copy);
    if (!chain.ok) throw new BaseError('DB_CORRUPT', `The backup's receipt chain is broken at receipt ${chain.brokenAt}; it was not kept.`);
    result = {
      file: dest,
      bytes: statSync(tmp).size,
      cursorBlock: readCursor(copy)?.blockNum ?? null,
      receipts: chain.count,
      lastReceiptHash: lastReceipt(copy)?.hash ?? null,
    };
  } catch (err) {
    copy.close();
    rmSync(tmp, { force: true });
    throw err;
  }
  copy.close();
  renameSync(tmp, dest);
  return result;
}
