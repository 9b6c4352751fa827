import type { Database } from 'better-sqlite3';
import type { Command } from 'commander';
import { parseTimeArg } from '../../../audit/formatRows.js';
import { type ReconcileDeps, reconcileDeps } from '../../../audit/reconcileDeps.js';
import { renderReplay, replayJson } from '../../../audit/replay/renderReplay.js';
import { type ReplayResult, type ReplaySource, runReplay } from '../../../audit/replay/runReplay.js';
import { type Config, exchangeAccounts } from '../../../config/index.js';
import { openDatabase } from '../../../db/openDatabase.js';
import { BTS_MAX_SUPPLY_SATS } from '../../../domain/money.js';
import { BaseError } from '../../../errors/BaseError.js';
import { configFor } from '../shared.js';
import { intArg, skipsExchanges, usage } from './auditArgs.js';

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

/** `audit replay` (loaded only when it runs; see ../../lazyAction.ts). */
export function replayAction(deps: ReconcileDeps, write: (text: string) => void) {
  return async (opts: ReplayOpts, cmd: Command) => {
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
  };
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
