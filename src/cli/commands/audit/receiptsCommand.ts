import { Command } from 'commander';
import { lazyAction } from '../../lazyAction.js';
import type { AuditCommandDeps } from '../audit.js';

/** `stakebts audit receipts`. */
export function receiptsCommand(_deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('receipts')
    .description('list audit receipts')
    .option('--user <account>', 'receipts about this account')
    .option('--contract <id>', 'receipts of this contract (nonce)')
    .option('--event <name>', 'receipts of this event type')
    .option('--since <time>', 'from this time (ms or ISO date, UTC)')
    .option('--until <time>', 'up to this time (ms or ISO date, UTC)')
    .option('--limit <n>', 'at most n receipts')
    .option('--full', 'the full JSON message of each receipt instead of a one-line summary')
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action(lazyAction(() => import('./receiptsAction.js').then((m) => m.receiptsAction(write))));
}
