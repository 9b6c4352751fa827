import { resolve } from 'node:path';
import type { Command } from 'commander';
import { backupDatabase } from '../../db/backupDatabase.js';
import { openDatabase } from '../../db/openDatabase.js';
import { configFor } from './shared.js';

/** The `backup` command's action (loaded only when it runs; see ../lazyAction.ts). */
export async function backupAction(file: string, _opts: unknown, cmd: Command): Promise<void> {
  const config = configFor(cmd);
  const db = openDatabase(config.db, { readonly: true });
  try {
    const r = await backupDatabase(db, resolve(file));
    process.stdout.write(
      `Backup written to ${r.file}: ${r.bytes} bytes, ${r.receipts} receipts (chain verified, quick_check ok), ` +
        `cursor at block ${r.cursorBlock ?? 'none'}, last receipt ${r.lastReceiptHash ?? 'none'}.\n`,
    );
  } finally {
    db.close();
  }
}
