import type { Command } from 'commander';
import { type ContractFilter, listContracts } from '../../../audit/listContracts.js';
import { outputFormat } from '../shared.js';
import { type FormatOpts, intArg, oneOf, type TimeOpts, timeFilter, withDb } from './auditArgs.js';
import { formatContracts } from './auditTables.js';

/** `audit contracts` (loaded only when it runs; see ../../lazyAction.ts). */
export function contractsAction(write: (text: string) => void) {
  return (
    opts: FormatOpts & TimeOpts & { user?: string; contract?: string; status?: string; months?: string; origin?: string },
    cmd: Command,
  ) => {
    const format = outputFormat(opts);
    const filter: ContractFilter = { ...timeFilter(opts) };
    if (opts.user) filter.user = opts.user;
    if (opts.contract) filter.id = intArg(opts.contract, '--contract');
    if (opts.status) filter.state = oneOf(opts.status, ['open', 'matured', 'stopped'] as const, '--status');
    if (opts.months) filter.months = intArg(opts.months, '--months');
    if (opts.origin) filter.origin = oneOf(opts.origin, ['chain', 'import'] as const, '--origin');
    withDb(cmd, (db) => write(formatContracts(listContracts(db, filter), format)));
  };
}
