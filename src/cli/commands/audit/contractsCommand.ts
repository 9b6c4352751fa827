import { Command } from 'commander';
import { type ContractFilter, listContracts } from '../../../audit/listContracts.js';
import type { AuditCommandDeps } from '../audit.js';
import { outputFormat } from '../shared.js';
import { type FormatOpts, intArg, oneOf, type TimeOpts, timeFilter, withDb } from './auditArgs.js';
import { formatContracts } from './auditTables.js';

/** `stakebts audit contracts`. */
export function contractsCommand(_deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('contracts')
    .description('list contracts with their state (open, matured, stopped) and what was paid')
    .option('--user <account>', 'contracts of this account')
    .option('--contract <id>', 'this contract')
    .option('--status <state>', 'open | matured | stopped')
    .option('--months <n>', 'term in months')
    .option('--origin <origin>', 'chain | import')
    .option('--since <time>', 'started at or after (ms or ISO date, UTC)')
    .option('--until <time>', 'started at or before (ms or ISO date, UTC)')
    .option('--limit <n>', 'at most n contracts')
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action(
      (
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
      },
    );
}
