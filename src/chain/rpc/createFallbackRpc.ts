import type { Logger } from 'pino';
import { BaseError, isError } from '../../errors/BaseError.js';
import { silentLogger } from '../../log.js';
import { wait } from '../../utils/promise/wait.js';
import { createWsRpc, type RpcRequest, type WsRpc, type WsRpcOptions } from './createWsRpc.js';
import { isApiMissing, isTransportError, RpcApiMissingError, RpcTransportError } from './errors.js';

/** One result reported to the metrics hook. */
export type RpcResponseInfo = {
  /** Sanitised node URL. */
  url: string;
  method: string;
  /** Duration of this attempt in ms. */
  ms: number;
  ok: boolean;
  error?: unknown;
};

export type FallbackRequest<T> = RpcRequest & {
  /**
   * Validates/converts the result. A throw means the node sent something unusable: counted as a
   * transport failure of that node and failed over. `url` (sanitised) names the node that answered.
   */
  parse?: (raw: unknown, url: string) => T;
  /**
   * False for calls with side effects (broadcast): fail over only when the request provably never
   * reached the node; a timeout or drop after sending is thrown so the caller can reconcile.
   * @default true
   */
  idempotent?: boolean;
};

export type FallbackRpcOptions = Omit<WsRpcOptions, 'logger'> & {
  /** Full passes over the node list after the first one. @default 1 */
  retryCount?: number;
  /** Delay before a retry pass (doubled per pass). @default 150 */
  retryDelayMs?: number;
  /** A node that failed is tried last for this long. @default 5_000 */
  cooldownMs?: number;
  /** A node on the wrong chain is skipped for this long. @default 60_000 */
  refuseMs?: number;
  /** Metrics hook, called once per attempt. */
  onResponse?: (info: RpcResponseInfo) => void;
  /** Builds the per-URL client (tests inject options). @default createWsRpc */
  createTransport?: (url: string, options: WsRpcOptions) => WsRpc;
  /** @default silentLogger */
  logger?: Logger;
};

export type FallbackRpc = {
  config: { type: 'fallback'; urls: string[] };
  /** The per-URL clients, in configured order. */
  transports: readonly WsRpc[];
  request<T = unknown>(req: FallbackRequest<T>): Promise<T>;
  /**
   * A node was caught serving something false (a block that is not the one asked for, a broken chain link): it is
   * tried last for `ms`, and the sticky preference moves off it.
   */
  markFaulty(url: string, ms?: number): void;
  /** Each node's standing, in configured order: failures in a row, and until when it is tried last (0: healthy). */
  nodeStates(): { url: string; failures: number; downUntil: number }[];
  /** Closes every client. Idempotent. */
  close(): Promise<void>;
};

type NodeState = { transport: WsRpc; downUntil: number; failures: number };

/**
 * Failover across several node URLs. Transport errors (timeout, closed, refused, garbage) move to the
 * next node; retrying happens only here (one extra pass by default). Deterministic node errors
 * (RpcNodeError, code RPC_ERROR) are thrown at once. A node on another chain is refused with
 * CHAIN_ID_MISMATCH, and that error is thrown when no node on the right chain answers.
 *
 * @param urls - node URLs in order of preference
 * @param options - see {@link FallbackRpcOptions}
 * @example const rpc = createFallbackRpc(['wss://a/ws', 'wss://b/ws'], { expectedChainId: MAINNET });
 */
export function createFallbackRpc(urls: readonly string[], options: FallbackRpcOptions = {}): FallbackRpc {
  const {
    retryCount = 1,
    retryDelayMs = 150,
    cooldownMs = 5_000,
    refuseMs = 60_000,
    onResponse,
    createTransport = createWsRpc,
    logger = silentLogger,
    ...wsOptions
  } = options;
  if (urls.length === 0) throw new BaseError('CONFIG_INVALID', 'At least one node URL is required');
  const log = logger.child({ mod: 'rpc-fallback' });
  const nodes: NodeState[] = urls.map((u) => ({
    transport: createTransport(u, { ...wsOptions, logger }),
    downUntil: 0,
    failures: 0,
  }));
  let current = 0; // sticky: keep using the node that last answered
  let closed: Promise<void> | null = null;

  /** Healthy nodes first, starting at the current one; cooling-down nodes last (soonest back first). */
  function order(): number[] {
    const now = Date.now();
    const idx = nodes.map((_, i) => (current + i) % nodes.length);
    const healthy = idx.filter((i) => nodes[i]!.downUntil <= now);
    const cooling = idx.filter((i) => nodes[i]!.downUntil > now).sort((a, b) => nodes[a]!.downUntil - nodes[b]!.downUntil);
    return [...healthy, ...cooling];
  }

  function report(info: RpcResponseInfo): void {
    try {
      onResponse?.(info);
    } catch (err) {
      log.warn({ err }, 'onResponse hook threw');
    }
  }

  async function request<T>(req: FallbackRequest<T>): Promise<T> {
    const { parse, idempotent = true, ...rpcReq } = req;
    let lastError: unknown;
    let allMismatch = true;
    // A node on another chain is the most telling failure: it names both chains, where a later pass would only say
    // that the node is backing off.
    let mismatchError: unknown;
    // Nodes that do not grant the api this call needs: skipped, never cooled down (nothing is wrong with them).
    let lacking: RpcApiMissingError | undefined;
    for (let pass = 0; pass <= retryCount; pass++) {
      if (closed) break;
      if (pass > 0) await wait((1 << (pass - 1)) * retryDelayMs);
      for (const i of order()) {
        const node = nodes[i]!;
        const url = node.transport.config.url;
        const started = performance.now();
        let raw: unknown;
        try {
          raw = await node.transport.request(rpcReq);
        } catch (error) {
          if (isApiMissing(error)) {
            // Nothing was sent: no attempt to report, no failure to count, and the sticky preference stays.
            lacking ??= error;
            continue;
          }
          report({
            url,
            method: req.method,
            ms: performance.now() - started,
            ok: false,
            error,
          });
          if (isError(error, 'CHAIN_ID_MISMATCH')) {
            node.downUntil = Date.now() + refuseMs;
            log.error({ url }, 'node refused: wrong chain id');
            lastError = error;
            mismatchError ??= error;
            continue;
          }
          allMismatch = false;
          if (!isTransportError(error)) throw error; // deterministic: same answer everywhere
          if (!idempotent && error.requestSent) throw error; // may have been acted on: caller reconciles
          node.failures++;
          node.downUntil = Date.now() + Math.min(cooldownMs * node.failures, cooldownMs * 6);
          log.debug({ url, method: req.method, code: error.code }, 'node failed; trying the next one');
          lastError = error;
          continue;
        }
        let value: T;
        try {
          value = parse ? parse(raw, url) : (raw as T);
        } catch (cause) {
          const error = new RpcTransportError({
            code: 'NODE_UNAVAILABLE',
            url,
            method: req.method,
            requestSent: true,
            message: `Node ${url} sent an unusable result for ${req.method}`,
            cause,
          });
          report({
            url,
            method: req.method,
            ms: performance.now() - started,
            ok: false,
            error,
          });
          allMismatch = false;
          if (!idempotent) throw error;
          node.failures++;
          node.downUntil = Date.now() + cooldownMs;
          lastError = error;
          continue;
        }
        report({
          url,
          method: req.method,
          ms: performance.now() - started,
          ok: true,
        });
        node.failures = 0;
        node.downUntil = 0;
        current = i;
        return value;
      }
      if (lacking && lastError === undefined) break; // no node grants the api: another pass would not change that
    }
    if ((allMismatch && lastError) || mismatchError) throw mismatchError ?? lastError;
    if (lacking) {
      // Some node could serve the call but for the api, and none that grants it answered: the caller may read the same
      // data through another call (get_block for get_blocks) from the nodes there are.
      throw new RpcApiMissingError({
        url: lacking.url,
        method: req.method,
        api: lacking.api,
        message: lastError
          ? `No node granting the ${lacking.api} api answered ${req.method}; ${lacking.url} and maybe others do not grant it`
          : `No node grants the ${lacking.api} api for ${req.method}`,
        ...(lastError === undefined ? {} : { cause: lastError }),
      });
    }
    throw new BaseError('NODE_UNAVAILABLE', `No node answered ${req.method}`, {
      metaMessages: [`Nodes: ${nodes.map((n) => n.transport.config.url).join(', ')}`],
      cause: lastError ?? new Error('client closed'),
    });
  }

  function markFaulty(url: string, ms = refuseMs): void {
    nodes.forEach((n, i) => {
      if (n.transport.config.url !== url) return;
      n.failures++;
      n.downUntil = Date.now() + ms;
      if (current === i) current = (i + 1) % nodes.length;
    });
  }

  function close(): Promise<void> {
    closed ??= (async () => {
      for (const n of nodes) {
        try {
          await n.transport.close();
        } catch (err) {
          log.warn({ err, url: n.transport.config.url }, 'close failed');
        }
      }
    })();
    return closed;
  }

  return {
    config: {
      type: 'fallback',
      urls: nodes.map((n) => n.transport.config.url),
    },
    transports: nodes.map((n) => n.transport),
    request,
    markFaulty,
    nodeStates: () => nodes.map((n) => ({ url: n.transport.config.url, failures: n.failures, downUntil: n.downUntil })),
    close,
  };
}
