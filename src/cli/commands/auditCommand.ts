import { Command } from 'commander';
import { formatRows, parseTimeArg } from '../../audit/formatRows.js';
import { openDatabase } from '../../db/openDatabase.js';
import { listReceipts, type ReceiptFilter, type ReceiptRow, verifyReceiptChain } from '../../db/receipts.js';
import { configFor, notYetAvailable, outputFormat } from './shared.js';

type ReceiptOpts = { user?: string; contract?: string; event?: string; since?: string; until?: string; json?: boolean; csv?: boolean; limit?: string };

/**
 * `stakebts audit …`: read-only queries for auditors; they open the database read-only and work while the daemon runs.
 * @example stakebts audit receipts --user alice --since 2026-01-01 --csv
 */
export function auditCommand(): Command {
  const audit = new Command('audit').description('read-only queries for auditors');
  audit
    .command('receipts')
    .description('list audit receipts')
    .option('--user <account>', 'receipts about this account')
    .option('--contract <id>', 'receipts of this contract (nonce)')
    .option('--event <name>', 'receipts of this event type')
    .option('--since <time>', 'from this time (ms or ISO date, UTC)')
    .option('--until <time>', 'up to this time (ms or ISO date, UTC)')
    .option('--limit <n>', 'at most n receipts')
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action((opts: ReceiptOpts, cmd: Command) => {
      const format = outputFormat(opts);
      const filter: ReceiptFilter = {};
      if (opts.user) filter.user = opts.user;
      if (opts.contract) filter.nonce = Number(opts.contract);
      if (opts.event) filter.event = opts.event;
      if (opts.since) filter.since = parseTimeArg(opts.since);
      if (opts.until) filter.until = parseTimeArg(opts.until);
      if (opts.limit) filter.limit = Number(opts.limit);
      const db = openDatabase(configFor(cmd).db, { readonly: true });
      try {
        const rows = listReceipts(db, filter);
        process.stdout.write(
          formatRows<ReceiptRow>(
            rows,
            [
              { header: 'id', value: (r) => r.id },
              { header: 'nonce', value: (r) => r.nonce },
              { header: 'time (UTC)', value: (r) => new Date(r.now).toISOString() },
              { header: 'event', value: (r) => (JSON.parse(r.msg) as { event?: string }).event ?? '' },
              { header: 'message', value: (r) => r.msg },
            ],
            format,
            (r) => ({ id: r.id, nonce: r.nonce, now: r.now, msg: JSON.parse(r.msg) as unknown, hash: r.hash }),
          ),
        );
      } finally {
        db.close();
      }
    });
  audit
    .command('verify')
    .description('walk the receipt hash chain; non-zero exit on a broken link')
    .action((_opts: unknown, cmd: Command) => {
      const db = openDatabase(configFor(cmd).db, { readonly: true });
      try {
        const check = verifyReceiptChain(db);
        if (check.ok) {
          process.stdout.write(`receipt chain intact: ${check.count} receipt(s)\n`);
        } else {
          process.stdout.write(`receipt chain BROKEN at receipt ${check.brokenAt}: ${check.reason}\n`);
          process.exitCode = 1;
        }
      } finally {
        db.close();
      }
    });
  for (const name of ['contracts', 'payouts', 'contract', 'reconcile', 'report']) {
    audit.command(name).description('(coming)').allowUnknownOption().action(notYetAvailable(`audit ${name}`));
  }
  return audit;
}
