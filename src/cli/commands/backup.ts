import { resolve } from 'node:path';
import { Command } from 'commander';
import { backupDatabase } from '../../db/backupDatabase.js';
import { openDatabase } from '../../db/openDatabase.js';
import { configFor } from './shared.js';

/**
 * `stakebts backup FILE`: an online, checked copy of the database (SQLite backup API), safe while the daemon writes.
 * @example stakebts backup /var/backups/stakebts/2027-01-15.sqlite
 */
export function backupCommand(): Command {
  return new Command('backup')
    .description('write an online copy of the database, checked (quick_check and receipt chain), while the daemon runs')
    .argument('<file>', 'the copy to write (must not exist)')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
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
    });
}
