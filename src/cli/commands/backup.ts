import { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';

/**
 * `stakebts backup FILE`: an online, checked copy of the database (SQLite backup API), safe while the daemon writes.
 * @example stakebts backup /var/backups/stakebts/2027-01-15.sqlite
 */
export function backupCommand(): Command {
  return new Command('backup')
    .description('write an online copy of the database, checked (quick_check and receipt chain), while the daemon runs')
    .argument('<file>', 'the copy to write (must not exist)')
    .action(lazyAction(() => import('./backupAction.js').then((m) => m.backupAction)));
}
