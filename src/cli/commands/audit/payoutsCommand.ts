import { Command } from 'commander';
import { listPayouts, type PayoutFilter } from '../../../audit/listPayouts.js';
import { railNamesInRows } from '../../../db/payoutListing.js';
import { railEntries } from '../../../payout/rails/registry.js';
import type { AuditCommandDeps } from '../audit.js';
import { configFor, outputFormat } from '../shared.js';
import { type FormatOpts, intArg, oneOf, type TimeOpts, timeFilter, withDb } from './auditArgs.js';
import { formatPayouts, PAYOUT_PURPOSES, PAYOUT_STATES } from './auditTables.js';

/** `stakebts audit payouts`. */
export function payoutsCommand(_deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('payouts')
    .description('list payments (intents) with their state, rail and tx / withdrawal id')
    .option('--user <account>', 'payments to this account')
    .option('--contract <id>', 'payments of this contract')
    .option(
      '--purpose <purpose>',
      'contract_receipt | interest | principal | stop | refund | support_notice | bittrex_to_broker | broker_to_bittrex',
    )
    .option('--state <state>', 'pending | sending | unknown | submitted | paid | failed')
    .option('--rail <rail>', 'a rail name: the configured ones (`broker`, …) or one the rows carry')
    .option('--since <time>', 'created at or after (ms or ISO date, UTC)')
    .option('--until <time>', 'created at or before (ms or ISO date, UTC)')
    .option('--limit <n>', 'at most n payments')
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action(
      (
        opts: FormatOpts & TimeOpts & { user?: string; contract?: string; purpose?: string; state?: string; rail?: string },
        cmd: Command,
      ) => {
        const format = outputFormat(opts);
        const filter: PayoutFilter = { ...timeFilter(opts) };
        if (opts.user) filter.user = opts.user;
        if (opts.contract) filter.contract = intArg(opts.contract, '--contract');
        if (opts.purpose) filter.purpose = oneOf(opts.purpose, PAYOUT_PURPOSES, '--purpose');
        if (opts.state) filter.state = oneOf(opts.state, PAYOUT_STATES, '--state');
        const config = configFor(cmd);
        withDb(
          cmd,
          (db) => {
            // The configured rails, and every rail a row carries from an earlier configuration.
            if (opts.rail)
              filter.rail = oneOf(opts.rail, [...new Set([...railEntries(config).map((r) => r.name), ...railNamesInRows(db)])], '--rail');
            write(formatPayouts(listPayouts(db, filter), format));
          },
          config,
        );
      },
    );
}
