import type { Logger } from 'pino';
import WebSocket from 'ws';
import { withTimeout } from '../../utils/promise/withTimeout.js';
import type { CallTable } from './createCallTable.js';
import { chainIdMismatch, RpcNodeError } from './errors.js';

/** What the handshake learned about the node. */
export type SessionInfo = {
  chainId: string;
  historyAvailable: boolean;
  /** Whether the node granted the block api (`get_blocks`); present only when the handshake asked for it. */
  blockAvailable?: boolean;
};

/** One open connection and the api ids its handshake obtained (ids belong to the connection). */
export type Session = {
  ws: WebSocket;
  apis: {
    login: number;
    database: number;
    network_broadcast: number;
    history: number | null;
    block: number | null;
  };
  info: SessionInfo;
  /** True once the handshake succeeded, false again when the socket closes. */
  open: boolean;
};

export type OpenSessionOptions = {
  /** The node URL as configured (credentials allowed: they go to the socket, never to a message). */
  url: string;
  /** The same URL sanitised, for messages. */
  safeUrl: string;
  /** Deadline for the socket to open and for each handshake call. */
  handshakeTimeoutMs: number;
  /** Refuse the node (CHAIN_ID_MISMATCH) when its chain id differs. */
  expectedChainId?: string | undefined;
  /** Ask for the block api too (one more handshake call; most public nodes refuse it). */
  askBlockApi?: boolean | undefined;
  calls: CallTable;
  log: Logger;
  /** Every frame received on the socket (the keep-alive's clock, then the call table). */
  onMessage: (data: WebSocket.RawData) => void;
  /** The socket closed, at any time of its life. */
  onClose: (session: Session, code: number) => void;
};

/**
 * Opens a socket to the node and runs the handshake, as bitshares-core expects it on every connection:
 * 1. `login("", "")` on api 1 (the login api), which must answer true;
 * 2. `database`, `network_broadcast` and `history` (and `block` when asked) from the login api, each answering this
 *    connection's api id; a node that does not grant the history or the block api refuses it (a node error), which
 *    is fine for scanning;
 * 3. `get_chain_id` on the database api, checked against `expectedChainId`.
 * The session is open only when every step succeeded; on any failure the socket is terminated and the error thrown.
 *
 * @param options - see {@link OpenSessionOptions}
 */
export async function openSession(options: OpenSessionOptions): Promise<Session> {
  const { url, safeUrl, handshakeTimeoutMs, expectedChainId, askBlockApi, calls, log, onMessage, onClose } = options;
  const ws = new WebSocket(url, {
    handshakeTimeout: handshakeTimeoutMs,
    perMessageDeflate: false,
  });
  const s: Session = {
    ws,
    apis: { login: 1, database: 0, network_broadcast: 0, history: null, block: null },
    info: { chainId: '', historyAvailable: false },
    open: false,
  };
  // An 'error' listener for the socket's whole life: an unhandled 'error' event would crash Node.
  ws.on('error', (err) => log.debug({ err: { message: err.message } }, 'socket error'));
  ws.on('message', onMessage);
  ws.on('close', (code) => onClose(s, code));
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('close', () => reject(new Error('closed before open')));
      }),
      handshakeTimeoutMs,
      { errorFn: () => new Error(`no connection within ${handshakeTimeoutMs} ms`) },
    );
    const call = (apiId: number, method: string, params: unknown[] = []) => calls.send(ws, apiId, method, params, handshakeTimeoutMs);
    const ok = await call(1, 'login', ['', '']);
    if (ok !== true) throw new Error('login refused');
    s.apis.database = toApiId(await call(1, 'database'), 'database');
    s.apis.network_broadcast = toApiId(await call(1, 'network_broadcast'), 'network_broadcast');
    // A node without the history plugin (or that grants no block api) is fine for scanning; a transport failure is not.
    s.apis.history = await optionalApi(call, 'history', log);
    if (askBlockApi) s.apis.block = await optionalApi(call, 'block', log);
    const chainId = await call(s.apis.database, 'get_chain_id');
    if (typeof chainId !== 'string' || !/^[0-9a-f]{64}$/.test(chainId)) throw new Error('invalid chain id');
    if (expectedChainId && chainId !== expectedChainId) throw chainIdMismatch(safeUrl, expectedChainId, chainId);
    s.info = {
      chainId,
      historyAvailable: s.apis.history !== null,
      ...(askBlockApi ? { blockAvailable: s.apis.block !== null } : {}),
    };
    if (ws.readyState !== WebSocket.OPEN) throw new Error('closed during handshake');
    s.open = true;
    return s;
  } catch (err) {
    ws.terminate();
    throw err;
  }
}

/** An api the node may refuse: its id, or null when the node answers with an error. */
async function optionalApi(call: (apiId: number, method: string) => Promise<unknown>, api: string, log: Logger): Promise<number | null> {
  try {
    return toApiId(await call(1, api), api);
  } catch (err) {
    if (!(err instanceof RpcNodeError)) throw err;
    log.info(`${api} api not available on this node`);
    return null;
  }
}

function toApiId(v: unknown, api: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`invalid ${api} api id`);
  return v;
}
