import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { appendAlarm } from '../db/alarms.js';
import { backupDatabase } from '../db/backupDatabase.js';
import { readCursor } from '../db/cursor.js';
import { appendReceipt } from '../db/receipts.js';
import { wait } from '../utils/promise/index.js';

/** Names of the daemon's own backup files: the time sorts them, the block says where a restore resumes. */
const NAME = /^stakebts-\d{8}T\d{6}Z-b\d+\.sqlite$/;

export function backupFileName(nowMs: number, cursorBlock: number): string {
  const t = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `stakebts-${t}-b${cursorBlock}.sqlite`;
}

/**
 * The daemon's scheduled backups: every `everyMs`, a checked online copy in `dir` (see backupDatabase) and a receipt
 * naming it; the `keep` newest of the daemon's own copies are kept, older ones removed (only files named as it names
 * them). A failed copy is an alarm; the next one is tried on schedule. Runs until `signal` aborts.
 */
export async function scheduleBackups(p: {
  db: Database;
  dir: string;
  everyMs: number;
  keep: number;
  signal: AbortSignal;
  logger: Logger;
}): Promise<void> {
  const { db, dir, everyMs, keep, signal, logger } = p;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  while (!signal.aborted) {
    await wait(everyMs, signal).catch(() => {});
    if (signal.aborted) break;
    await backupOnce(db, dir, keep, logger);
  }
}

export async function backupOnce(db: Database, dir: string, keep: number, logger: Logger): Promise<void> {
  const file = join(dir, backupFileName(Date.now(), readCursor(db)?.blockNum ?? 0));
  try {
    const r = await backupDatabase(db, file);
    appendReceipt(db, 0, { event: 'backup', ...r, checked: 'quick_check ok, receipt chain ok' });
    logger.info({ file, cursorBlock: r.cursorBlock, bytes: r.bytes }, 'backup written and checked');
    const own = readdirSync(dir)
      .filter((f) => NAME.test(f))
      .sort();
    for (const old of own.slice(0, Math.max(0, own.length - keep))) rmSync(join(dir, old), { force: true });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    logger.error({ file, reason }, 'backup failed');
    try {
      appendAlarm(db, 0, 'backup_failed', { file, reason });
    } catch {
      // the log line is the record
    }
  }
}
