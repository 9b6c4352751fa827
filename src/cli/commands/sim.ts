import { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';
import { simSendCommand } from './sim/sendCommand.js';
import { simUpCommand } from './sim/upCommand.js';

/**
 * `stakebts sim up | send | chain | bittrex`: the simulators for manual testing. `up` runs both linked together with a
 * ready desk, `send` makes a client's transfer on it; `chain` and `bittrex` run one alone and print the test
 * credentials they made (simulator-only keys, worthless elsewhere).
 * @example stakebts sim up --dir sim-desk --block-interval-ms 1000
 */
export function simCommand(): Command {
  const sim = new Command('sim').description('run the simulators for manual testing (up, send; chain, bittrex alone)');
  sim.addCommand(simUpCommand());
  sim.addCommand(simSendCommand());
  sim
    .command('chain')
    .description(
      'BitShares node simulator (WebSocket JSON-RPC on 127.0.0.1); prints its URL, chain id and the keys of the accounts it made',
    )
    // Its flags are parsed by the simulator itself (parseChainSimArgs, strict: an unknown one is a usage error),
    // listed here so that --help shows them.
    .usage('[flags]')
    .addHelpText(
      'after',
      `
Flags:
  --port <port>               port on 127.0.0.1 (default 8090; 0 picks a free one)
  --host <host>               address to listen on (default 127.0.0.1)
  --block-interval-ms <ms>    a new block this often (default 3000)
  --block-time-ms <ms>        simulated time between blocks
  --irreversible-lag <n>      blocks between head and last irreversible
  --chain-id <hex>            64 hex characters (default: a simulator chain id)
  --synthetic-blocks <n>      start with n blocks of synthetic history (--ops-per-block, --seed)
  --history-api               offer the history api
  --block-api                 grant the block api (get_blocks), off by default as on public nodes
  --omit-block-info           get_block as bitshares-core 7 (no block_id, signing_key, transaction_ids)
  --accounts <a,b>            create these accounts (distinct owner, active and memo keys)
  --fund <bts>                give each created account this many BTS`,
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .action(lazyAction(() => import('./simActions.js').then((m) => m.simChainAction)));
  sim
    .command('bittrex')
    .description('Bittrex v3 simulator (HTTP); prints the API keys of its accounts')
    .option('--port <port>', 'port on 127.0.0.1', '8091')
    .option('--accounts <n>', 'number of accounts (1-3)', '3')
    .option('--balance <bts>', 'starting BTS balance of each account', '1000000')
    .option('--complete-after-ms <ms>', 'complete each withdrawal this long after creation', '2000')
    .option('--deposit-account <name>', 'shared BitShares deposit account', 'bittrex-deposit')
    .action(lazyAction(() => import('./simActions.js').then((m) => m.simBittrexAction)));
  return sim;
}
