import type { NodeClient } from '../chain/nodeClient/index.js';
import { createNodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { BaseError, isError } from '../errors/BaseError.js';
import type { RailLedger } from '../payout/rails/Rail.js';
import { createRailLedgers, railEntries } from '../payout/rails/registry.js';
import { exchangeKeysOf, type Payload } from '../wallet/keystoreFormat.js';
import type { Secret } from '../wallet/Secret.js';
import { unlockKeystore } from '../wallet/unlockKeystore.js';
import type { RunReconcileOptions } from './runReconcile.js';

/** The node calls `audit reconcile` makes. */
export type ReconcileNode = Pick<
  NodeClient,
  | 'getAccountHistory'
  | 'getBlock'
  | 'getAccountByName'
  | 'getAccounts'
  | 'getAssets'
  | 'getDynamicGlobalProperties'
  | 'hasHistoryApi'
  | 'close'
>;

/** Factories for the outside systems; each defaults to the real one, tests inject simulator-backed ones. */
export type ReconcileDeps = {
  /** @default createNodeClient over config.nodes (chain id checked when configured) */
  connectChain?: (config: Config) => ReconcileNode;
  /**
   * The keystore, unlocked: the exchange rails' API keys and the broker's memo key.
   * @default unlockKeystore (password from the file, else a masked prompt; a password in argv or env is refused)
   */
  unlockKeystore?: (keystore: { path: string; passwordFile?: string }) => Promise<Payload>;
};

export type ReconcileSidesOptions = {
  chain: boolean;
  /** Read the exchange rails' withdrawals (through the rail registry). */
  /** Read the exchange rails' ledgers (withdrawals, balances). */
  exchanges: boolean;
  /** Also hand back the broker's memo key (replay decrypts the memos of transfers the daemon never processed). */
  memoKey?: boolean;
  /**
   * A keystore that is not there is said in `notes` and the sides that need it are not read, instead of an error
   * (replay then names what it could not classify).
   */
  keystoreOptional?: boolean;
  fromBlock?: number;
  toBlock?: number;
  keystore: string;
  passwordFile?: string;
};

export type ReconcileSides = {
  chain?: NonNullable<RunReconcileOptions['chain']>;
  /** The exchange rails' ledgers by rail name, from the registry. */
  exchanges: Map<string, RailLedger>;
  /** The broker's memo key, when asked for and the keystore was opened. */
  memoWif?: Secret;
  /** The keystore's retired memo keys (memos encrypted to the broker's memo key before a rotation), with `memoWif`. */
  retiredMemoWifs?: Secret[];
  /** Rails not checked, with why. */
  notChecked: string[];
  /** How a side was read, when it is worth saying (a block scan for lack of a history api). */
  notes: string[];
  close(): Promise<void>;
};

/**
 * Connects to the node (resolving the broker's id) and builds the ledger of every exchange rail the config lists
 * (through the rail registry, with the keystore's API keys), as the options ask.
 */
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
      node = connectAuditChain(deps, config);
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
    const exchanges = new Map<string, RailLedger>();
    let memoWif: Secret | undefined;
    let retiredMemoWifs: Secret[] = [];
    const withLedger = railEntries(config).filter((r) => r.kind.ledger !== undefined);
    if (options.exchanges && withLedger.length === 0) notChecked.push('exchanges: no account configured');
    else if (!options.exchanges) notChecked.push('exchanges: --skip-exchanges');
    // The older shorthand may name an account it does not configure: no payment uses it, and it is not checked either.
    for (const name of options.exchanges ? (config.payout.rails ?? []) : []) {
      if (!railEntries(config).some((r) => r.name === name))
        notChecked.push(`${name}: listed in payout.rails but not configured in bittrex.accounts`);
    }
    const wantRails = options.exchanges && withLedger.length > 0;
    if (wantRails || options.memoKey) {
      const keystore = { path: options.keystore, ...(options.passwordFile ? { passwordFile: options.passwordFile } : {}) };
      let payload: Payload | undefined;
      try {
        payload = await (deps.unlockKeystore ?? defaultUnlock)(keystore);
      } catch (err) {
        if (!(options.keystoreOptional && isError(err, 'KEYSTORE_NOT_FOUND'))) throw err;
        notes.push(`no keystore at ${options.keystore}: the exchange accounts and the memos on chain were not read`);
        for (const { name } of wantRails ? withLedger : []) notChecked.push(`${name}: no keystore`);
      }
      if (payload) {
        if (options.memoKey) {
          memoWif = payload.broker.memoWif;
          retiredMemoWifs = payload.broker.retiredMemoWifs;
        }
        if (wantRails) {
          // Only the rails the keystore holds keys for: one without is said, not an error (the others are still read).
          const secrets = {
            brokerActiveWif: payload.broker.activeWif,
            brokerMemoWif: payload.broker.memoWif,
            exchangeKeys: exchangeKeysOf(payload),
          };
          const built = createRailLedgers(config, secrets);
          for (const l of built.ledgers) exchanges.set(l.name, l);
          for (const r of built.refused) notChecked.push(`${r.name}: no API key in the keystore`);
        }
      }
    }
    return { ...(chain ? { chain } : {}), exchanges, ...(memoWif ? { memoWif, retiredMemoWifs } : {}), notChecked, notes, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The node the audit commands read, as the deps say (default: the config's nodes, chain id checked when set). */
export function connectAuditChain(deps: ReconcileDeps, config: Config): ReconcileNode {
  return deps.connectChain ? deps.connectChain(config) : defaultChain(config);
}

function defaultChain(config: Config): ReconcileNode {
  return createNodeClient({
    urls: config.nodes,
    callTimeoutMs: config.listener.callTimeoutMs,
    ...(config.chainId ? { expectedChainId: config.chainId } : {}),
  });
}

function defaultUnlock(keystore: { path: string; passwordFile?: string }): Promise<Payload> {
  return unlockKeystore({ keystorePath: keystore.path, passwordFile: keystore.passwordFile, nothingDone: 'nothing was read' });
}
