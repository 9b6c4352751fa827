import type { Logger } from 'pino';
import { createNodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { authenticate } from '../daemon/authenticate.js';
import { BaseError } from '../errors/BaseError.js';
import { silentLogger } from '../log.js';
import type { PayoutSecrets } from '../payout/index.js';
import { checkOwnerKeys } from './checkOwnerKeys.js';

/**
 * Every start-up check, run before the daemon opens (or creates) its database, so a failed check writes nothing:
 * the node answers and is on the configured chain, the keys are the broker's active and memo keys and neither is
 * an owner key, the manager and funding accounts exist, each Bittrex account answers a signed balance request.
 * A node on another chain than `chainId` is skipped (the next one is asked); when every node is, that is the error.
 * @throws BaseError with one sentence naming what is wrong (never a secret)
 */
export async function preflightChecks(config: Config, secrets: PayoutSecrets, logger: Logger = silentLogger): Promise<void> {
  const node = createNodeClient({
    urls: config.nodes,
    callTimeoutMs: config.listener.callTimeoutMs,
    logger,
    expectedChainId: config.chainId,
    rpc: { reconnectAttempts: 0 },
  });
  try {
    await authenticate(node, config, secrets);
    await checkOwnerKeys(node, config.broker, { active: secrets.brokerActiveWif, memo: secrets.brokerMemoWif });
  } catch (err) {
    if (err instanceof BaseError) throw err;
    const first = err instanceof Error ? (err.message.split('\n')[0] ?? '') : '';
    throw new BaseError('NODE_UNAVAILABLE', `The BitShares node failed during the start-up checks${first ? ` (${first})` : ''}.`, {
      cause: err,
    });
  } finally {
    await node.close();
  }
}
