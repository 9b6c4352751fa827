import type { Command } from 'commander';
import { btsToSats } from '../../domain/money.js';
import { BaseError } from '../../errors/BaseError.js';
import { createLogger } from '../../log.js';
import { generateSimAccounts, startBittrexSimulator } from '../../sim/bittrex/index.js';
import { runChainSim } from '../../sim/chain/index.js';

type BittrexOpts = { port: string; accounts: string; balance: string; completeAfterMs: string; depositAccount: string };

/** `sim chain` (loaded only when it runs; see ../lazyAction.ts). */
export async function simChainAction(_opts: unknown, cmd: Command): Promise<void> {
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
}

/** `sim bittrex`. */
export async function simBittrexAction(opts: BittrexOpts): Promise<void> {
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
