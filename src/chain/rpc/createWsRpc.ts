import type { Logger } from 'pino';
import WebSocket from 'ws';
import { silentLogger } from '../../log.js';
import { withTimeout } from '../../utils/promise/withTimeout.js';
import { createCallTable } from './createCallTable.js';
import { createKeepAlive } from './createKeepAlive.js';
import { createReconnector } from './createReconnector.js';
import { RpcApiMissingError } from './errors.js';
import type { SessionInfo } from './openSession.js';
import { sanitizeUrl } from './sanitizeUrl.js';
import { transportErrorAt } from './transportError.js';

export type { SessionInfo } from './openSession.js';

/** APIs a call can target; ids are looked up per connection during the handshake. */
export type ApiName = 'login' | 'database' | 'network_broadcast' | 'history' | 'block';

export type RpcRequest = {
  api: ApiName;
  method: string;
  params?: unknown[];
  /** Overrides the client's per-call timeout. */
  timeoutMs?: number;
};

export type WsRpcOptions = {
  /** Per-call deadline in ms (covers connecting and the reply). @default 10_000 */
  timeoutMs?: number;
  /** Deadline for the socket to open and for each handshake call. @default 10_000 */
  handshakeTimeoutMs?: number;
  /** Ping (`get_dynamic_global_properties`) when nothing was received for this long. @default 30_000 */
  keepAliveMs?: number;
  /** Terminate the socket when nothing at all was received for this long. @default 75_000 */
  silenceTimeoutMs?: number;
  /** Background reconnect attempts after a drop before waiting for the next call. @default 5 */
  reconnectAttempts?: number;
  /** Base of the exponential reconnect backoff. @default 500 */
  reconnectDelayMs?: number;
  /** Upper bound of one reconnect delay. @default 30_000 */
  maxReconnectDelayMs?: number;
  /** Refuse the node (CHAIN_ID_MISMATCH) when its chain id differs. */
  expectedChainId?: string;
  /**
   * Ask for the block api (`login_api::block()`, for `get_blocks`) in the handshake; `connect()` then tells
   * `blockAvailable`. Most public nodes refuse it. @default false
   */
  blockApi?: boolean;
  /** Receives `notice` callbacks (e.g. broadcast_transaction_with_callback). */
  onNotice?: (callbackId: unknown, args: unknown) => void;
  /** @default silentLogger */
  logger?: Logger;
};

/** One JSON-RPC client for one node URL. */
export type WsRpc = {
  config: { type: 'webSocket'; url: string };
  /** Sends one call; rejects RpcNodeError (deterministic) or RpcTransportError (try elsewhere). */
  request<T = unknown>(req: RpcRequest): Promise<T>;
  /** Connects and handshakes if needed. */
  connect(): Promise<SessionInfo>;
  readonly intentionallyClosed: boolean;
  readonly connected: boolean;
  /** Stops reconnecting, rejects pending calls, closes the socket. Idempotent. */
  close(): Promise<void>;
};

/**
 * Creates a resilient JSON-RPC client for one BitShares node: handshake on every (re)connect, per-call
 * timeouts, replies matched by id (out of order is fine), every pending call rejected at once on close,
 * keep-alive with a silence deadline, bounded background reconnect with backoff and jitter.
 *
 * @param url - node URL (`ws://` or `wss://`, credentials allowed; they never reach messages)
 * @param options - see {@link WsRpcOptions}
 * @example const rpc = createWsRpc('wss://node.example/ws'); await rpc.request({ api: 'database', method: 'get_chain_id' });
 */
export function createWsRpc(url: string, options: WsRpcOptions = {}): WsRpc {
  const {
    timeoutMs = 10_000,
    handshakeTimeoutMs = 10_000,
    keepAliveMs = 30_000,
    silenceTimeoutMs = 75_000,
    reconnectAttempts = 5,
    reconnectDelayMs = 500,
    maxReconnectDelayMs = 30_000,
    expectedChainId,
    blockApi = false,
    onNotice,
    logger = silentLogger,
  } = options;
  const safeUrl = sanitizeUrl(url);
  const log = logger.child({ mod: 'rpc', url: safeUrl });
  const fail = transportErrorAt(safeUrl);
  // The steps, each its own module: the frame codec and request table, the keep-alive, the session (socket and
  // handshake) kept connected with backoff; this file only adds the per-call deadline and close.
  const calls = createCallTable({ url: safeUrl, fail, log, onNotice });
  const keepAlive = createKeepAlive({
    keepAliveMs,
    silenceTimeoutMs,
    log,
    ping: (s) => calls.send(s.ws, s.apis.database, 'get_dynamic_global_properties', [], Math.min(timeoutMs, silenceTimeoutMs)),
  });
  const connection = createReconnector({
    url,
    safeUrl,
    handshakeTimeoutMs,
    expectedChainId,
    askBlockApi: blockApi,
    reconnectAttempts,
    reconnectDelayMs,
    maxReconnectDelayMs,
    calls,
    keepAlive,
    fail,
    log,
  });

  /** One call within its deadline, which covers connecting (or waiting for the connect under way) and the reply. */
  async function request<T>(req: RpcRequest): Promise<T> {
    const ms = req.timeoutMs ?? timeoutMs;
    const started = Date.now();
    // The connected case (nearly every call) needs no race against the deadline: a timer and an AbortController per
    // call were a good part of what a block scan allocates.
    const open = connection.current;
    const s =
      open?.open === true
        ? open
        : await withTimeout(connection.ensure(), ms, {
            errorFn: () => fail('NODE_TIMEOUT', req.method, false, `No connection to ${safeUrl} within ${ms} ms`),
          });
    const apiId = s.apis[req.api];
    if (apiId === null) {
      throw new RpcApiMissingError({
        url: safeUrl,
        method: req.method,
        api: req.api,
        message: `Node ${safeUrl} does not offer the ${req.api} api`,
      });
    }
    const left = Math.max(1, ms - (Date.now() - started));
    return (await calls.send(s.ws, apiId, req.method, req.params ?? [], left)) as T;
  }

  async function close(): Promise<void> {
    const s = connection.shut();
    calls.failAll('client closed');
    if (s && s.ws.readyState !== WebSocket.CLOSED) {
      await withTimeout(
        new Promise<void>((resolve) => {
          s.ws.once('close', () => resolve());
          s.ws.close();
        }),
        1_000,
        { errorFn: () => new Error('close timeout') },
      ).catch(() => s.ws.terminate());
    }
  }

  return {
    config: { type: 'webSocket', url: safeUrl },
    request,
    connect: async () => (await connection.ensure()).info,
    get intentionallyClosed() {
      return connection.intentionallyClosed;
    },
    get connected() {
      return connection.current?.open === true;
    },
    close,
  };
}
