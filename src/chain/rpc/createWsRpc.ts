import type { Logger } from 'pino';
import WebSocket from 'ws';
import { BaseError } from '../../errors/BaseError.js';
import { silentLogger } from '../../log.js';
import { backoffDelay } from '../../utils/promise/withRetry.js';
import { withTimeout } from '../../utils/promise/withTimeout.js';
import { chainIdMismatch, type FcErrorObject, RpcNodeError, RpcTransportError } from './errors.js';
import { sanitizeUrl } from './sanitizeUrl.js';

/** APIs a call can target; ids are looked up per connection during the handshake. */
export type ApiName = 'login' | 'database' | 'network_broadcast' | 'history';

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
  /** Receives `notice` callbacks (e.g. broadcast_transaction_with_callback). */
  onNotice?: (callbackId: unknown, args: unknown) => void;
  /** @default silentLogger */
  logger?: Logger;
};

/** What the handshake learned about the node. */
export type SessionInfo = { chainId: string; historyAvailable: boolean };

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

type Pending = {
  ws: WebSocket;
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
};

type Session = {
  ws: WebSocket;
  apis: {
    login: number;
    database: number;
    network_broadcast: number;
    history: number | null;
  };
  info: SessionInfo;
  open: boolean;
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
    onNotice,
    logger = silentLogger,
  } = options;
  const safeUrl = sanitizeUrl(url);
  const log = logger.child({ mod: 'rpc', url: safeUrl });

  let nextId = 1;
  const pending = new Map<number, Pending>();
  let session: Session | null = null;
  let connecting: Promise<Session> | null = null;
  let intentionallyClosed = false;
  let failures = 0; // consecutive failed connects; drives the backoff
  let nextAttemptAt = 0; // on-demand connects wait for the backoff too (a refusing node is not hammered)
  let reconnectTimer: NodeJS.Timeout | undefined;
  let keepAliveTimer: NodeJS.Timeout | undefined;
  let lastMessageAt = 0;
  let pinging = false;

  const transportError = (
    code: 'NODE_TIMEOUT' | 'NODE_CLOSED' | 'NODE_UNAVAILABLE',
    method: string,
    requestSent: boolean,
    message: string,
    cause?: unknown,
  ): RpcTransportError =>
    new RpcTransportError({
      code,
      url: safeUrl,
      method,
      requestSent,
      message,
      ...(cause === undefined ? {} : { cause }),
    });

  /** Rejects every pending call at once: the socket is gone, none of them can be answered. */
  function failAll(reason: string, ws?: WebSocket): void {
    for (const [id, p] of [...pending]) {
      if (ws && p.ws !== ws) continue;
      pending.delete(id);
      clearTimeout(p.timer);
      p.reject(transportError('NODE_CLOSED', p.method, true, `Connection to ${safeUrl} closed: ${reason}`));
    }
  }

  function onMessage(data: WebSocket.RawData): void {
    lastMessageAt = Date.now();
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      log.debug('ignored a frame that is not JSON');
      return;
    }
    if (msg === null || typeof msg !== 'object') return;
    const m = msg as {
      id?: unknown;
      method?: unknown;
      params?: unknown;
      result?: unknown;
      error?: unknown;
    };
    if (m.method === 'notice') {
      const params = Array.isArray(m.params) ? m.params : [];
      try {
        onNotice?.(params[0], params[1]);
      } catch (err) {
        log.warn({ err }, 'notice handler threw');
      }
      return;
    }
    if (typeof m.id !== 'number') return;
    const p = pending.get(m.id);
    if (!p) return; // late reply to a timed-out call, or an id we never sent
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.error !== undefined && m.error !== null) {
      const error = typeof m.error === 'object' ? (m.error as FcErrorObject) : { message: String(m.error) };
      p.reject(new RpcNodeError({ url: safeUrl, method: p.method, error }));
    } else if ('result' in m) {
      p.resolve(m.result);
    } else {
      p.reject(transportError('NODE_UNAVAILABLE', p.method, true, `Unusable reply from ${safeUrl} to ${p.method}`));
    }
  }

  /** Sends one frame on an open socket; settles by reply, timeout or close. */
  function send(ws: WebSocket, apiId: number, method: string, params: unknown[], ms: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) {
        reject(transportError('NODE_CLOSED', method, false, `Connection to ${safeUrl} is not open`));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        if (pending.delete(id)) {
          reject(transportError('NODE_TIMEOUT', method, true, `Node ${safeUrl} did not answer ${method} within ${ms} ms`));
        }
      }, ms);
      pending.set(id, { ws, method, resolve, reject, timer });
      ws.send(JSON.stringify({ id, method: 'call', params: [apiId, method, params] }), (err) => {
        if (err && pending.delete(id)) {
          clearTimeout(timer);
          reject(transportError('NODE_CLOSED', method, true, `Could not send ${method} to ${safeUrl}`, err));
        }
      });
    });
  }

  function stopKeepAlive(): void {
    if (keepAliveTimer) clearInterval(keepAliveTimer);
    keepAliveTimer = undefined;
  }

  function startKeepAlive(s: Session): void {
    stopKeepAlive();
    const tick = Math.max(50, Math.min(keepAliveMs, silenceTimeoutMs) / 2);
    keepAliveTimer = setInterval(() => {
      const quiet = Date.now() - lastMessageAt;
      if (quiet >= silenceTimeoutMs) {
        log.warn({ quietMs: quiet }, 'node silent past the deadline; terminating the socket');
        s.ws.terminate();
        return;
      }
      if (quiet >= keepAliveMs && !pinging && s.open) {
        pinging = true;
        send(s.ws, s.apis.database, 'get_dynamic_global_properties', [], Math.min(timeoutMs, silenceTimeoutMs))
          .catch(() => {}) // the silence deadline decides; a failed ping alone proves nothing
          .finally(() => {
            pinging = false;
          });
      }
    }, tick);
    keepAliveTimer.unref();
  }

  function scheduleReconnect(): void {
    if (intentionallyClosed || reconnectTimer || failures >= reconnectAttempts) return;
    const delay = Math.max(0, nextAttemptAt - Date.now());
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (intentionallyClosed || session || connecting) return;
      ensureSession().then(
        () => log.info('reconnected'),
        () => scheduleReconnect(),
      );
    }, delay);
    reconnectTimer.unref();
  }

  /** Opens the socket and runs the handshake; the session becomes current only when both succeed. */
  async function openSession(): Promise<Session> {
    const ws = new WebSocket(url, {
      handshakeTimeout: handshakeTimeoutMs,
      perMessageDeflate: false,
    });
    const s: Session = {
      ws,
      apis: { login: 1, database: 0, network_broadcast: 0, history: null },
      info: { chainId: '', historyAvailable: false },
      open: false,
    };
    // An 'error' listener for the socket's whole life: an unhandled 'error' event would crash Node.
    ws.on('error', (err) => log.debug({ err: { message: err.message } }, 'socket error'));
    ws.on('message', onMessage);
    ws.on('close', (code) => {
      const wasCurrent = session === s;
      s.open = false;
      if (wasCurrent) {
        session = null;
        stopKeepAlive();
      }
      failAll(`code ${code}`, ws);
      if (wasCurrent && !intentionallyClosed) {
        log.warn({ code }, 'connection lost; reconnecting');
        scheduleReconnect();
      }
    });
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
          ws.once('close', () => reject(new Error('closed before open')));
        }),
        handshakeTimeoutMs,
        {
          errorFn: () => new Error(`no connection within ${handshakeTimeoutMs} ms`),
        },
      );
      lastMessageAt = Date.now();
      // Handshake, redone on every connection: api ids belong to the connection.
      const ok = await send(ws, 1, 'login', ['', ''], handshakeTimeoutMs);
      if (ok !== true) throw new Error('login refused');
      s.apis.database = toApiId(await send(ws, 1, 'database', [], handshakeTimeoutMs), 'database');
      s.apis.network_broadcast = toApiId(await send(ws, 1, 'network_broadcast', [], handshakeTimeoutMs), 'network_broadcast');
      try {
        s.apis.history = toApiId(await send(ws, 1, 'history', [], handshakeTimeoutMs), 'history');
      } catch (err) {
        // A node without the history plugin is fine for scanning; a transport failure is not.
        if (!(err instanceof RpcNodeError)) throw err;
        log.info('history api not available on this node');
      }
      const chainId = await send(ws, s.apis.database, 'get_chain_id', [], handshakeTimeoutMs);
      if (typeof chainId !== 'string' || !/^[0-9a-f]{64}$/.test(chainId)) throw new Error('invalid chain id');
      if (expectedChainId && chainId !== expectedChainId) throw chainIdMismatch(safeUrl, expectedChainId, chainId);
      s.info = { chainId, historyAvailable: s.apis.history !== null };
      if (ws.readyState !== WebSocket.OPEN) throw new Error('closed during handshake');
      s.open = true;
      return s;
    } catch (err) {
      ws.terminate();
      throw err;
    }
  }

  function ensureSession(): Promise<Session> {
    if (intentionallyClosed) {
      return Promise.reject(transportError('NODE_CLOSED', 'connect', false, `Client for ${safeUrl} was closed`));
    }
    if (session?.open) return Promise.resolve(session);
    if (connecting) return connecting;
    const waitMs = nextAttemptAt - Date.now();
    if (waitMs > 0) {
      return Promise.reject(
        transportError('NODE_UNAVAILABLE', 'connect', false, `Node ${safeUrl} is backing off for ${Math.ceil(waitMs)} ms`),
      );
    }
    connecting = openSession().then(
      (s) => {
        connecting = null;
        if (intentionallyClosed) {
          s.ws.terminate();
          throw transportError('NODE_CLOSED', 'connect', false, `Client for ${safeUrl} was closed`);
        }
        failures = 0;
        nextAttemptAt = 0;
        session = s;
        startKeepAlive(s);
        return s;
      },
      (err: unknown) => {
        connecting = null;
        nextAttemptAt = Date.now() + backoffDelay(failures, reconnectDelayMs, maxReconnectDelayMs);
        failures++;
        if (err instanceof BaseError) throw err; // CHAIN_ID_MISMATCH, transport errors keep their code
        throw transportError('NODE_UNAVAILABLE', 'connect', false, `Cannot connect to ${safeUrl}`, sanitizeCause(err));
      },
    );
    return connecting;
  }

  async function request<T>(req: RpcRequest): Promise<T> {
    const ms = req.timeoutMs ?? timeoutMs;
    const started = Date.now();
    const s = await withTimeout(ensureSession(), ms, {
      errorFn: () => transportError('NODE_TIMEOUT', req.method, false, `No connection to ${safeUrl} within ${ms} ms`),
    });
    const apiId = s.apis[req.api];
    if (apiId === null) {
      throw transportError('NODE_UNAVAILABLE', req.method, false, `Node ${safeUrl} does not offer the ${req.api} api`);
    }
    const left = Math.max(1, ms - (Date.now() - started));
    return (await send(s.ws, apiId, req.method, req.params ?? [], left)) as T;
  }

  async function close(): Promise<void> {
    intentionallyClosed = true;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    stopKeepAlive();
    const s = session;
    session = null;
    failAll('client closed');
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
    connect: async () => (await ensureSession()).info,
    get intentionallyClosed() {
      return intentionallyClosed;
    },
    get connected() {
      return session?.open === true;
    },
    close,
  };
}

function toApiId(v: unknown, api: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`invalid ${api} api id`);
  return v;
}

/** ws error messages can quote the URL; keep only the error's class and code. */
function sanitizeCause(err: unknown): Error {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const e = new Error(typeof code === 'string' ? code : err.message.replace(/\/\/[^@/\s]*@/g, '//'));
    e.name = err.name;
    return e;
  }
  return new Error('connection failed');
}
