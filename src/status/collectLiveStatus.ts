import { createNodeClient } from '../chain/nodeClient/index.js';
import { type Config, isInsecureRemote } from '../config/index.js';
import { silentLogger } from '../log.js';

/** What the node says now; `null` fields with `error` when it could not be asked. */
export type LiveStatus = {
  node: { headBlock: number; irreversibleBlock: number; chainTimeMs: number } | null;
  brokerBalanceSats: bigint | null;
  error: string | null;
  /** How far the nodes are trusted, and what weakens it (one node, quorum 1, plain ws://, nodes unreachable). */
  trust: { configured: number; reachable: number; quorum: number; warnings: string[] };
};

/** What in the configuration (and the nodes reachable now) lets a single node decide about money. */
export function trustWarnings(config: Config, reachable: number): string[] {
  const w: string[] = [];
  if (config.nodes.length === 1) w.push('only one node is configured: what it says about deposits is believed alone');
  else if (config.quorum === 1) w.push(`quorum is 1: any one of the ${config.nodes.length} nodes is believed alone about deposits`);
  if (reachable < config.quorum)
    w.push(`only ${reachable} node(s) reachable, fewer than the quorum of ${config.quorum}: blocks with deposits wait`);
  else if (reachable === 1 && config.nodes.length > 1) w.push('only one node reachable');
  for (const url of config.nodes.filter(isInsecureRemote)) {
    w.push(
      `${url.replace(/\/\/[^@/]*@/, '//')} is plain ws:// to another machine (allowInsecureNodes): anyone on the path can change its answers`,
    );
  }
  return w;
}

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
  let reachable = 0;
  for (const t of node.rpc.transports) {
    try {
      await t.connect();
      reachable++;
    } catch {
      // unreachable, or on another chain
    }
  }
  const trust = { configured: config.nodes.length, reachable, quorum: config.quorum, warnings: trustWarnings(config, reachable) };
  try {
    const dgp = await node.getDynamicGlobalProperties();
    const broker = await node.getAccountByName(config.broker);
    const brokerBalanceSats = broker ? await node.getAccountBalance(broker.id) : null;
    return {
      node: { headBlock: dgp.headBlockNumber, irreversibleBlock: dgp.lastIrreversibleBlockNum, chainTimeMs: dgp.time },
      brokerBalanceSats,
      error: broker ? null : `broker account "${config.broker}" not found`,
      trust,
    };
  } catch (err) {
    const text = err instanceof Error ? (err.message.split('\n')[0] ?? 'error') : String(err);
    return { node: null, brokerBalanceSats: null, error: `unreachable: ${text}`, trust };
  } finally {
    await node.close();
  }
}
