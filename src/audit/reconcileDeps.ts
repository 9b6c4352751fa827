import type { NodeClient } from '../chain/nodeClient/index.js';
import { createNodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { BaseError } from '../errors/BaseError.js';
import type { WithdrawalLister } from '../exchange/bittrex/findWithdrawalByClientId.js';
import { createBittrexClient } from '../exchange/bittrex/index.js';
import { railEntries } from '../payout/rails/registry.js';
import { openKeystore } from '../wallet/openKeystore.js';
import { promptPassword } from '../wallet/promptPassword.js';
import { readPasswordFile } from '../wallet/readPasswordFile.js';
import type { RunReconcileOptions } from './runReconcile.js';

/** The node calls `audit reconcile` makes. */
export type ReconcileNode = Pick<
  NodeClient,
  'getAccountHistory' | 'getBlock' | 'getAccountByName' | 'getAccounts' | 'getDynamicGlobalProperties' | 'hasHistoryApi' | 'close'
>;

/** Factories for the outside systems; each defaults to the real client, tests inject simulator-backed ones. */
export type ReconcileDeps = {
  /** @default createNodeClient over config.nodes (chain id checked when configured) */
  connectChain?: (config: Config) => ReconcileNode;
  /**
   * Bittrex withdrawal listers by rail ('bittrex1'…).
   * @default one v3 client per account in the keystore (password from the file, else a masked prompt)
   */
  openExchanges?: (config: Config, keystore: { path: string; passwordFile?: string }) => Promise<Map<string, WithdrawalLister>>;
};

export type ReconcileSidesOptions = {
  chain: boolean;
  bittrex: boolean;
  fromBlock?: number;
  toBlock?: number;
  keystore: string;
  passwordFile?: string;
};

export type ReconcileSides = {
  chain?: NonNullable<RunReconcileOptions['chain']>;
  exchanges: Map<string, WithdrawalLister>;
  /** Rails not checked, with why. */
  notChecked: string[];
  /** How a side was read, when it is worth saying (a block scan for lack of a history api). */
  notes: string[];
  close(): Promise<void>;
};

/** Connects to the node (resolving the broker's id) and opens the Bittrex clients, as the options ask. */
export async function reconcileDeps(deps: ReconcileDeps, config: Config, options: ReconcileSidesOptions): Promise<ReconcileSides> {
  const notChecked: string[] = [];
  const notes: string[] = [];
  let node: ReconcileNode | undefined;
  const close = async () => {
    await node?.close();
  };
  try {
    let chain: ReconcileSides['chain'];
    if (options.chain) {
      node = (deps.connectChain ?? defaultChain)(config);
      const broker = await node.getAccountByName(config.broker);
      if (!broker) throw new BaseError('USAGE', `The broker account ${config.broker} does not exist on the chain the node serves.`);
      let blocks: { from: number; to: number } | undefined;
      if (options.fromBlock !== undefined || options.toBlock !== undefined) {
        const to = options.toBlock ?? (await node.getDynamicGlobalProperties()).lastIrreversibleBlockNum;
        blocks = { from: options.fromBlock ?? config.startBlock, to };
      } else if (!(await node.hasHistoryApi())) {
        // Many nodes run without the account history plugin (or do not allow its api): scan the blocks instead.
        const to = (await node.getDynamicGlobalProperties()).lastIrreversibleBlockNum;
        blocks = { from: config.startBlock, to };
        notes.push(`broker (chain): the node offers no history api; scanned blocks ${blocks.from}..${to}`);
      }
      chain = { node, brokerId: broker.id, ...(blocks ? { blocks } : {}) };
    } else notChecked.push('broker (chain): --skip-chain');
    let exchanges = new Map<string, WithdrawalLister>();
    if (options.bittrex && config.bittrex.accounts.length === 0) notChecked.push('bittrex: no account configured');
    else if (options.bittrex) {
      const keystore = { path: options.keystore, ...(options.passwordFile ? { passwordFile: options.passwordFile } : {}) };
      exchanges = await (deps.openExchanges ?? defaultExchanges)(config, keystore);
      for (const { name, kind } of railEntries(config)) {
        if (kind.kind !== 'broker' && !exchanges.has(name)) notChecked.push(`${name}: no API key in the keystore`);
      }
      // The older shorthand may name an account it does not configure: no payment uses it, and it is not checked either.
      for (const name of config.payout.rails ?? []) {
        if (!railEntries(config).some((r) => r.name === name))
          notChecked.push(`${name}: listed in payout.rails but not configured in bittrex.accounts`);
      }
    } else notChecked.push('bittrex: --skip-bittrex');
    return { ...(chain ? { chain } : {}), exchanges, notChecked, notes, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function defaultChain(config: Config): ReconcileNode {
  return createNodeClient({
    urls: config.nodes,
    callTimeoutMs: config.listener.callTimeoutMs,
    ...(config.chainId ? { expectedChainId: config.chainId } : {}),
  });
}

async function defaultExchanges(config: Config, keystore: { path: string; passwordFile?: string }): Promise<Map<string, WithdrawalLister>> {
  const password = keystore.passwordFile
    ? await readPasswordFile(keystore.passwordFile)
    : await promptPassword({ message: 'Keystore password', context: { output: process.stderr } });
  const payload = await openKeystore(keystore.path, password);
  return new Map(
    payload.bittrex.map((b) => [
      `bittrex${b.index}`,
      createBittrexClient({
        baseUrl: config.bittrex.baseUrl,
        apiKey: b.apiKey,
        apiSecret: b.apiSecret,
        timeoutMs: config.bittrex.timeoutMs,
      }),
    ]),
  );
}
