import { Command } from 'commander';
import { listReceipts, type ReceiptFilter } from '../../../db/receipts.js';
import type { AuditCommandDeps } from '../audit.js';
import { outputFormat } from '../shared.js';
import { type FormatOpts, intArg, oneOf, type TimeOpts, timeFilter, withDb } from './auditArgs.js';
import { formatReceipts, RECEIPT_EVENTS } from './auditTables.js';

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
    .action((opts: FormatOpts & TimeOpts & { user?: string; contract?: string; event?: string; full?: boolean }, cmd: Command) => {
      const format = outputFormat(opts);
      const filter: ReceiptFilter = { ...timeFilter(opts) };
      if (opts.user) filter.user = opts.user;
      if (opts.contract) filter.nonce = intArg(opts.contract, '--contract');
      if (opts.event) filter.event = oneOf(opts.event, RECEIPT_EVENTS, '--event');
      withDb(cmd, (db) => write(formatReceipts(listReceipts(db, filter), format, opts.full === true)));
    });
}
