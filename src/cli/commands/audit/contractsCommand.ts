import { Command } from 'commander';
import { lazyAction } from '../../lazyAction.js';
import type { AuditCommandDeps } from '../audit.js';

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
    .action(lazyAction(() => import('./contractsAction.js').then((m) => m.contractsAction(write))));
}
