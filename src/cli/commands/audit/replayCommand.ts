import type { Database } from 'better-sqlite3';
import { Command } from 'commander';
import { parseTimeArg } from '../../../audit/formatRows.js';
import { type ReconcileDeps, reconcileDeps } from '../../../audit/reconcileDeps.js';
import { renderReplay, replayJson } from '../../../audit/replay/renderReplay.js';
import { type ReplayResult, type ReplaySource, runReplay } from '../../../audit/replay/runReplay.js';
import { type Config, exchangeAccounts } from '../../../config/index.js';
import { openDatabase } from '../../../db/openDatabase.js';
import { BTS_MAX_SUPPLY_SATS } from '../../../domain/money.js';
import { BaseError } from '../../../errors/BaseError.js';
import { configFor } from '../shared.js';
import { intArg, skipBittrexOption, skipsExchanges, usage } from './auditArgs.js';

type ReplayOpts = {
  history?: boolean;
  fromBlock?: string;
  toBlock?: string;
  until?: string;
  skipExchanges?: boolean;
  skipBittrex?: boolean;
  keystore?: string;
  passwordFile?: string;
  json?: boolean;
};

/**
 * `stakebts audit replay`: recomputes from RULES.md alone what every client is owed, from the transfers to the
 * broker, and compares it with what the chain and the exchange accounts show was paid. Exit 1 on any difference.
 */
export function replayCommand(deps: ReconcileDeps & { write?: (text: string) => void }): Command {
  const write = deps.write ?? ((t: string) => void process.stdout.write(t));
  return new Command('replay')
    .description(
      'recompute what every client is owed from the transfers to the broker (RULES.md) and compare with what was paid; exit 1 on any difference',
    )
    .option(
      '--history',
      "read the transfers to the broker from the broker's account history (default: processed_ops, checked against the chain)",
    )
    .option('--from-block <n>', 'read the transfers to the broker from a block scan starting at n')
    .option('--to-block <n>', 'last block of the scan (default: last irreversible)')
    .option('--until <time>', 'entitlements due up to this time (default: the last block the daemon applied)')
    .option('--skip-exchanges', "do not read the exchange accounts' withdrawals (their payments then show as missing)")
    .addOption(skipBittrexOption())
    .option(
      '--keystore <file>',
      'keystore holding the exchange API keys and, with --history/--from-block, the memo key (default: config "keystore")',
    )
    .option('--password-file <file>', 'read the keystore password from a file (mode 0600) instead of the prompt')
    .option('--json', 'one JSON document')
    .action(async (opts: ReplayOpts, cmd: Command) => {
      const config = configFor(cmd);
      if (opts.history && (opts.fromBlock || opts.toBlock))
        throw new BaseError('USAGE', 'Choose one of --history and --from-block/--to-block.');
      const until = opts.until ? usage(() => parseTimeArg(opts.until as string)) : undefined;
      const db = openDatabase(config.db, { readonly: true });
      try {
        const { result, notes } = await replayWithConfig(deps, config, db, opts, until);
        write(opts.json ? replayJson(result, notes) : renderReplay(result, notes));
        if (!result.ok) process.exitCode = 1;
      } finally {
        db.close();
      }
    });
}

/** Runs the replay as the config says (node, Bittrex clients from the keystore unless skipped); closes the clients. */
export async function replayWithConfig(
  deps: ReconcileDeps,
  config: Config,
  db: Database,
  opts: Pick<ReplayOpts, 'history' | 'fromBlock' | 'toBlock' | 'skipExchanges' | 'skipBittrex' | 'keystore' | 'passwordFile'>,
  until?: number,
): Promise<{ result: ReplayResult; notes: string[] }> {
  const fromChain = opts.history === true || opts.fromBlock !== undefined || opts.toBlock !== undefined;
  const sides = await reconcileDeps(deps, config, {
    chain: true,
    exchanges: !skipsExchanges(opts),
    // Transfers the daemon never processed have no receipt: their memos are read with the broker's memo key.
    memoKey: fromChain,
    keystoreOptional: true,
    ...(opts.fromBlock ? { fromBlock: intArg(opts.fromBlock, '--from-block') } : {}),
    ...(opts.toBlock ? { toBlock: intArg(opts.toBlock, '--to-block') } : {}),
    keystore: opts.keystore ?? config.keystore,
    ...(opts.passwordFile ? { passwordFile: opts.passwordFile } : {}),
  });
  try {
    const chain = sides.chain;
    if (!chain) throw new BaseError('USAGE', 'replay needs the chain.');
    const node = chain.node as typeof chain.node & Parameters<typeof runReplay>[0]['node'];
    const source: ReplaySource = opts.history
      ? { kind: 'history' }
      : opts.fromBlock || opts.toBlock
        ? { kind: 'blocks', from: chain.blocks?.from ?? config.startBlock, to: chain.blocks?.to ?? 0 }
        : { kind: 'processed_ops' };
    const result = await runReplay({
      db,
      node,
      brokerId: chain.brokerId,
      exchanges: sides.exchanges,
      ...(chain.blocks ? { paymentBlocks: chain.blocks } : {}),
      terms: config.terms,
      managers: config.managers,
      fundingAccounts: config.fundingAccounts,
      maxSupplySats: BTS_MAX_SUPPLY_SATS,
      source,
      ...(until === undefined ? {} : { until }),
      ...(sides.memoWif ? { memoWif: sides.memoWif, retiredMemoWifs: sides.retiredMemoWifs ?? [] } : {}),
      // Transfers between the desk's own accounts are no client's: the broker and every exchange deposit account.
      ownAccounts: [config.broker, ...new Set([config.bittrex.depositAccount, ...exchangeAccounts(config).map((x) => x.depositAccount)])],
    });
    return { result, notes: [...sides.notes, ...sides.notChecked.map((n) => `not read: ${n}`)] };
  } finally {
    await sides.close();
  }
}
