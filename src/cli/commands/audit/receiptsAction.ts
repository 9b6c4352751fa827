import type { Command } from 'commander';
import { listReceipts, type ReceiptFilter } from '../../../db/receipts.js';
import { outputFormat } from '../shared.js';
import { type FormatOpts, intArg, oneOf, type TimeOpts, timeFilter, withDb } from './auditArgs.js';
import { formatReceipts, RECEIPT_EVENTS } from './auditTables.js';

/** `audit receipts` (loaded only when it runs; see ../../lazyAction.ts). */
export function receiptsAction(write: (text: string) => void) {
  return (opts: FormatOpts & TimeOpts & { user?: string; contract?: string; event?: string; full?: boolean }, cmd: Command) => {
    const format = outputFormat(opts);
    const filter: ReceiptFilter = { ...timeFilter(opts) };
    if (opts.user) filter.user = opts.user;
    if (opts.contract) filter.nonce = intArg(opts.contract, '--contract');
    if (opts.event) filter.event = oneOf(opts.event, RECEIPT_EVENTS, '--event');
    withDb(cmd, (db) => write(formatReceipts(listReceipts(db, filter), format, opts.full === true)));
  };
}
