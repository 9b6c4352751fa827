import { publicKeyFromWif, samePublicKey } from '../chain/bitshares/index.js';
import type { ChainAccount, NodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { BaseError, isError } from '../errors/BaseError.js';
import { createBittrexClient } from '../exchange/bittrex/index.js';
import { wait } from '../utils/promise/index.js';
import type { Secret } from '../wallet/Secret.js';
import type { DaemonSecrets } from './DaemonSecrets.js';

export type Authenticated = {
  chainId: string;
  broker: ChainAccount;
  managerIds: Set<string>;
  fundingIds: Set<string>;
  bittrexBalances: Array<{ index: number; availableSats: bigint }>;
  /** Exchange accounts that did not answer at start (transient errors after every retry): payments use the other rails. */
  bittrexUnreachable: Array<{ index: number; error: string }>;
};

export type AuthenticateOptions = {
  /** Tries of a signed balance request per exchange account while the answer is transient. @default 4 */
  exchangeTries?: number;
  /** First retry delay, doubled per try. @default 500 */
  exchangeRetryMs?: number;
};

/**
 * Start-up checks, before anything is written: the node is on the configured chain, the keys belong to the broker
 * (active authority and memo key), and every configured Bittrex account answers a signed request. Each failure is
 * one sentence naming what is wrong; no secret is ever part of it.
 */
export async function authenticate(
  node: NodeClient,
  config: Config,
  secrets: DaemonSecrets,
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

  const bittrexBalances: Authenticated['bittrexBalances'] = [];
  const bittrexUnreachable: Authenticated['bittrexUnreachable'] = [];
  for (const account of config.bittrex.accounts) {
    const creds = secrets.bittrex.find((b) => b.index === account.index);
    if (!creds)
      throw new BaseError('AUTH_FAILED', `Bittrex account ${account.index} is configured but the keystore has no API key for it.`);
    const client = createBittrexClient({
      baseUrl: config.bittrex.baseUrl,
      apiKey: creds.apiKey,
      apiSecret: creds.apiSecret,
      timeoutMs: config.bittrex.timeoutMs,
    });
    // A 500, a 503 or a timeout says nothing about the key: retry with backoff. Only an answer that refuses the
    // request itself (401/403, a bad signature) means the key is wrong and stops the start.
    for (let attempt = 1; ; attempt++) {
      try {
        const balance = await client.getBalance('BTS');
        bittrexBalances.push({ index: account.index, availableSats: balance.available });
        break;
      } catch (err) {
        const code = (err as { bittrexCode?: string }).bittrexCode;
        if (!isTransientExchangeError(err)) {
          throw new BaseError(
            'AUTH_FAILED',
            `Bittrex account ${account.index} refused a signed balance request${code ? ` (${code})` : ''}; check its API key.`,
            { cause: err },
          );
        }
        if (attempt >= exchangeTries) {
          bittrexUnreachable.push({ index: account.index, error: (err as Error).message.split('\n')[0]!.slice(0, 200) });
          break;
        }
        await wait(exchangeRetryMs * 2 ** (attempt - 1));
      }
    }
  }
  return { chainId, broker, managerIds, fundingIds, bittrexBalances, bittrexUnreachable };
}

/** No answer, a 5xx, throttling or an unreadable body: the exchange may answer next time. */
function isTransientExchangeError(err: unknown): boolean {
  return isError(err, 'EXCHANGE_UNAVAILABLE') || isError(err, 'EXCHANGE_RETRYABLE') || isError(err, 'EXCHANGE_BAD_RESPONSE');
}

function safePub(wif: Secret, which: string): string {
  try {
    return publicKeyFromWif(wif.reveal());
  } catch {
    throw new BaseError('AUTH_FAILED', `The broker ${which} key in the keystore is not a valid private key.`);
  }
}
