import { publicKeyFromWif, samePublicKey } from '../chain/bitshares/index.js';
import type { ChainAccount, NodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { BaseError, isError } from '../errors/BaseError.js';
import type { PayoutSecrets } from '../payout/index.js';
import { railEntries } from '../payout/rails/registry.js';
import { wait } from '../utils/promise/index.js';
import type { Secret } from '../wallet/Secret.js';

export type Authenticated = {
  chainId: string;
  broker: ChainAccount;
  managerIds: Set<string>;
  fundingIds: Set<string>;
  /** What each rail with a start-up check holds (the exchange accounts). */
  railBalances: Array<{ rail: string; availableSats: bigint }>;
  /** Rails that did not answer at start (transient errors after every retry): payments use the other rails. */
  railsUnreachable: Array<{ rail: string; label: string; error: string }>;
};

export type AuthenticateOptions = {
  /** Tries of a rail's start-up check (a signed balance request) while the answer is transient. @default 4 */
  exchangeTries?: number;
  /** First retry delay, doubled per try. @default 500 */
  exchangeRetryMs?: number;
};

/**
 * Start-up checks, before anything is written: the node is on the configured chain, the keys belong to the broker
 * (active authority and memo key), and every configured rail with a start-up check (each exchange account) answers a
 * signed request. Each failure is
 * one sentence naming what is wrong; no secret is ever part of it.
 */
export async function authenticate(
  node: NodeClient,
  config: Config,
  secrets: PayoutSecrets,
  { exchangeTries = 4, exchangeRetryMs = 500 }: AuthenticateOptions = {},
): Promise<Authenticated> {
  let chainId: string;
  try {
    chainId = await node.getChainId();
  } catch (err) {
    // Every node that answered is on another chain (a node on the wrong chain is skipped while another is right).
    if (isError(err, 'CHAIN_ID_MISMATCH')) {
      const actual = /is on chain ([0-9a-f]{64})/.exec((err as Error).message)?.[1] ?? 'another chain';
      throw new BaseError('CHAIN_ID_MISMATCH', `The node is on chain ${actual}, not the configured chain ${config.chainId}.`, {
        cause: err,
      });
    }
    throw new BaseError(
      'NODE_UNAVAILABLE',
      `No BitShares node answered (tried ${config.nodes.length} URL(s)); check "nodes" in the config.`,
      { cause: err },
    );
  }
  if (config.chainId && chainId !== config.chainId) {
    throw new BaseError('CHAIN_ID_MISMATCH', `The node is on chain ${chainId}, not the configured chain ${config.chainId}.`);
  }
  const broker = await node.getAccountByName(config.broker);
  if (!broker) throw new BaseError('AUTH_FAILED', `The broker account "${config.broker}" does not exist on this chain.`);

  const activePub = safePub(secrets.brokerActiveWif, 'active');
  const memoPub = safePub(secrets.brokerMemoWif, 'memo');
  const activeWeight = broker.active.keyAuths.filter(([k]) => samePublicKey(k, activePub)).reduce((s, [, w]) => s + w, 0);
  if (activeWeight === 0) {
    throw new BaseError('AUTH_FAILED', `The active key in the keystore is not an active key of "${config.broker}" on chain.`);
  }
  if (activeWeight < broker.active.weightThreshold) {
    throw new BaseError(
      'AUTH_FAILED',
      `The active key in the keystore cannot sign alone for "${config.broker}" (weight ${activeWeight} < threshold ${broker.active.weightThreshold}).`,
    );
  }
  // A wrong memo key would read every client memo as undecryptable and refund every stake: refuse to start instead.
  if (!samePublicKey(broker.memoKey, memoPub)) {
    throw new BaseError('AUTH_FAILED', `The memo key in the keystore is not the memo key of "${config.broker}" on chain.`);
  }

  const idsOf = async (names: string[], what: string) => {
    if (names.length === 0) return new Set<string>();
    const accounts = await node.getAccounts(names);
    const missing = names.filter((_, i) => !accounts[i]);
    if (missing.length) throw new BaseError('AUTH_FAILED', `The ${what} account(s) ${missing.join(', ')} do not exist on this chain.`);
    return new Set(accounts.flatMap((a) => (a ? [a.id] : [])));
  };
  const managerIds = await idsOf(config.managers, 'manager');
  const fundingIds = await idsOf(config.fundingAccounts, 'funding');

  const railBalances: Authenticated['railBalances'] = [];
  const railsUnreachable: Authenticated['railsUnreachable'] = [];
  for (const { name, label, kind, entry } of railEntries(config)) {
    if (!kind.preflight) continue;
    for (let attempt = 1; ; attempt++) {
      const r = await kind.preflight(entry, secrets);
      if ('availableSats' in r) {
        railBalances.push({ rail: name, availableSats: r.availableSats });
        break;
      }
      if (attempt >= exchangeTries) {
        railsUnreachable.push({ rail: name, label, error: r.transient });
        break;
      }
      await wait(exchangeRetryMs * 2 ** (attempt - 1));
    }
  }
  return { chainId, broker, managerIds, fundingIds, railBalances, railsUnreachable };
}

function safePub(wif: Secret, which: string): string {
  try {
    return publicKeyFromWif(wif.reveal());
  } catch {
    throw new BaseError('AUTH_FAILED', `The broker ${which} key in the keystore is not a valid private key.`);
  }
}
