import { Command } from 'commander';
import { btsToSats } from '../../domain/money.js';
import { BaseError } from '../../errors/BaseError.js';
import { createLogger } from '../../log.js';
import { generateSimAccounts, startBittrexSimulator } from '../../sim/bittrex/index.js';
import { runChainSim } from '../../sim/chain/index.js';
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
    .action(async (_opts: unknown, cmd: Command) => {
      const { rest, accounts, fundBts } = splitAccountFlags(cmd.args);
      const logger = createLogger({ level: 'info', dest: 2 });
      const chain = await runChainSim(rest, logger);
      const made = accounts.map((name) => {
        const a = chain.createAccount(name);
        if (fundBts > 0) chain.fund(name, btsToSats(fundBts));
        // The owner key stays out, as on a real desk: only its public key, to tell it apart from the active one.
        return {
          name: a.name,
          id: a.id,
          activeWif: a.activeWif,
          memoWif: a.memoWif,
          ownerPub: a.ownerPub,
          activePub: a.activePub,
          memoPub: a.memoPub,
        };
      });
      process.stdout.write(`${JSON.stringify({ url: chain.url, chainId: chain.chainId, accounts: made }, null, 2)}\n`);
    });
  sim
    .command('bittrex')
    .description('Bittrex v3 simulator (HTTP); prints the API keys of its accounts')
    .option('--port <port>', 'port on 127.0.0.1', '8091')
    .option('--accounts <n>', 'number of accounts (1-3)', '3')
    .option('--balance <bts>', 'starting BTS balance of each account', '1000000')
    .option('--complete-after-ms <ms>', 'complete each withdrawal this long after creation', '2000')
    .option('--deposit-account <name>', 'shared BitShares deposit account', 'bittrex-deposit')
    .action(async (opts: { port: string; accounts: string; balance: string; completeAfterMs: string; depositAccount: string }) => {
      const count = Number(opts.accounts);
      const port = Number(opts.port);
      if (![1, 2, 3].includes(count)) throw new BaseError('USAGE', '--accounts must be 1, 2 or 3.');
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new BaseError('USAGE', '--port must be a port number.');
      if (!/^\d+$/.test(opts.balance)) throw new BaseError('USAGE', '--balance must be a whole number of BTS.');
      const logger = createLogger({ level: 'info', dest: 2 });
      const accounts = generateSimAccounts(count, { balanceSats: btsToSats(BigInt(opts.balance)) });
      const sim = await startBittrexSimulator({
        port,
        accounts,
        depositAccountName: opts.depositAccount,
        completeAfterMs: Math.max(0, Number(opts.completeAfterMs) || 0),
        logger,
      });
      process.stdout.write(
        `${JSON.stringify(
          {
            url: sim.url,
            accounts: accounts.map((a, i) => ({ index: i + 1, apiKey: a.apiKey, apiSecret: a.apiSecret, depositMemo: a.depositTag })),
          },
          null,
          2,
        )}\n`,
      );
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void sim.close().then(() => logger.info('bittrex simulator closed'));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  return sim;
}

/** Takes `--accounts a,b` and `--fund N` (ours) out of the flags passed through to the chain simulator. */
function splitAccountFlags(args: readonly string[]): { rest: string[]; accounts: string[]; fundBts: number } {
  const rest: string[] = [];
  let accounts: string[] = [];
  let fundBts = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const [flag, inline] = a.split('=', 2) as [string, string | undefined];
    if (flag === '--accounts' || flag === '--fund') {
      const value = inline ?? args[++i];
      if (value === undefined) throw new BaseError('USAGE', `${flag} needs a value.`);
      if (flag === '--accounts') accounts = value.split(',').filter(Boolean);
      else {
        fundBts = Number(value);
        if (!Number.isSafeInteger(fundBts) || fundBts < 0) throw new BaseError('USAGE', '--fund must be a whole number of BTS.');
      }
    } else rest.push(a);
  }
  return { rest, accounts, fundBts };
}
