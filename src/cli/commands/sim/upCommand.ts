import { Command } from 'commander';
import { lazyAction } from '../../lazyAction.js';

/**
 * `stakebts sim up --dir D`: the chain and Bittrex simulators linked together, plus the keys, keystore, password and
 * config a desk needs to start on them (src/sim/desk/startSimDesk.ts). Runs until SIGINT/SIGTERM.
 * @example stakebts sim up --dir sim-desk --block-interval-ms 1000
 */
export function simUpCommand(): Command {
  return new Command('up')
    .description(
      'start the chain and Bittrex simulators linked together (withdrawals arrive on the chain) and write a ready desk to --dir: keys, credentials, keystore, password, config',
    )
    .option('--dir <dir>', 'folder for keys, credentials, keystore, password, config and databases (kept and reused)', 'stakebts-sim')
    .option('--chain-port <port>', 'chain simulator port on 127.0.0.1 (0 picks a free one)', '8090')
    .option('--bittrex-port <port>', 'Bittrex simulator port on 127.0.0.1 (0 picks a free one)', '8091')
    .option('--block-interval-ms <ms>', 'a block this often (chain time advances as much)', '3000')
    .option('--complete-after-ms <ms>', 'a Bittrex withdrawal completes, and arrives on the chain, this long after it is made', '2000')
    .action(lazyAction(() => import('./upAction.js').then((m) => m.simUpAction)));
}
