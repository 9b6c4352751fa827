import { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';

/**
 * `stakebts demo [--months N] [--fast] [--dir D] [--json]`: the whole system on the simulators with scripted
 * clients on a fast clock (one block = one day), then a summary checked against the simulators' ledgers.
 * @example npm run demo
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run the whole system on the simulators (scripted clients, a year in about a minute) and print what happened')
    .option('--months <n>', 'simulated months', '12')
    .option('--fast', 'shorter ticks (for tests and the impatient)')
    .option('--tick-ms <ms>', 'real milliseconds per simulated day')
    .option('--dir <dir>', 'working folder (kept): database, keystore, daemon.log, ledgers.json')
    .option('--log-level <level>', 'daemon log level', 'info')
    .option('--json', 'print the summary as JSON')
    .action(lazyAction(() => import('./demoAction.js').then((m) => m.demoAction)));
}
