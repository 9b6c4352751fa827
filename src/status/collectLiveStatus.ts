import { createNodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { silentLogger } from '../log.js';

/** What the node says now; `null` fields with `error` when it could not be asked. */
export type LiveStatus = {
  node: { headBlock: number; irreversibleBlock: number; chainTimeMs: number } | null;
  brokerBalanceSats: bigint | null;
  error: string | null;
};

/**
 * Asks the configured nodes for the irreversible head and the broker's balance (public data: no key needed).
 * Never throws: an unreachable node is reported as such.
 * @param timeoutMs - per call @default 5_000
 */
export async function collectLiveStatus(config: Config, { timeoutMs = 5_000 }: { timeoutMs?: number } = {}): Promise<LiveStatus> {
  const node = createNodeClient({
    urls: config.nodes,
    callTimeoutMs: timeoutMs,
    logger: silentLogger,
    ...(config.chainId ? { expectedChainId: config.chainId } : {}),
    rpc: { handshakeTimeoutMs: timeoutMs, reconnectAttempts: 0 },
  });
  try {
    const dgp = await node.getDynamicGlobalProperties();
    const broker = await node.getAccountByName(config.broker);
    const brokerBalanceSats = broker ? await node.getAccountBalance(broker.id) : null;
    return {
      node: { headBlock: dgp.headBlockNumber, irreversibleBlock: dgp.lastIrreversibleBlockNum, chainTimeMs: dgp.time },
      brokerBalanceSats,
      error: broker ? null : `broker account "${config.broker}" not found`,
    };
  } catch (err) {
    const text = err instanceof Error ? (err.message.split('\n')[0] ?? 'error') : String(err);
    return { node: null, brokerBalanceSats: null, error: `unreachable: ${text}` };
  } finally {
    await node.close();
  }
}
