import { Command } from 'commander';
import { listPayouts, type PayoutFilter } from '../../../audit/listPayouts.js';
import { railEntries } from '../../../payout/rails/registry.js';
import type { AuditCommandDeps } from '../audit.js';
import { configFor, outputFormat } from '../shared.js';
import { type FormatOpts, intArg, oneOf, type TimeOpts, timeFilter, withDb } from './auditArgs.js';
import { formatPayouts, PAYOUT_PURPOSES, PAYOUT_STATES, RAILS } from './auditTables.js';

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
    .option('--rail <rail>', 'broker | bittrex1 | bittrex2 | bittrex3')
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
        // The configured rails, and the names of every rail a row may carry from an earlier configuration.
        if (opts.rail)
          filter.rail = oneOf(opts.rail, [...new Set([...railEntries(configFor(cmd)).map((r) => r.name), ...RAILS])], '--rail');
        withDb(cmd, (db) => write(formatPayouts(listPayouts(db, filter), format)));
      },
    );
}
