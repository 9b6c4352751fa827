import type { Command } from 'commander';
import { listPayouts, type PayoutFilter } from '../../../audit/listPayouts.js';
import { railNamesInRows } from '../../../db/payoutListing.js';
import { railEntries } from '../../../payout/rails/registry.js';
import { configFor, outputFormat } from '../shared.js';
import { type FormatOpts, intArg, oneOf, type TimeOpts, timeFilter, withDb } from './auditArgs.js';
import { formatPayouts, PAYOUT_PURPOSES, PAYOUT_STATES } from './auditTables.js';

/** `audit payouts` (loaded only when it runs; see ../../lazyAction.ts). */
export function payoutsAction(write: (text: string) => void) {
  return (
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
  };
}
