import type { Logger } from 'pino';
import WebSocket from 'ws';
import { type FcErrorObject, RpcNodeError } from './errors.js';
import type { TransportErrorFn } from './transportError.js';

type Pending = {
  ws: WebSocket;
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
};

export type CallTableOptions = {
  /** Sanitised node URL (for node errors). */
  url: string;
  fail: TransportErrorFn;
  log: Logger;
  /** Receives `notice` frames (broadcast_transaction_with_callback). */
  onNotice?: ((callbackId: unknown, args: unknown) => void) | undefined;
};

/** The calls in flight on a client's sockets, by request id. */
export type CallTable = {
  /** Sends one `call` frame on an open socket; settles by reply, timeout or close. */
  send(ws: WebSocket, apiId: number, method: string, params: unknown[], ms: number): Promise<unknown>;
  /** One frame from the node: a reply settles its call (in any order), a notice goes to `onNotice`, the rest is ignored. */
  receive(data: WebSocket.RawData): void;
  /** Rejects every call pending (on `ws` only, when given) at once: the socket is gone, none can be answered. */
  failAll(reason: string, ws?: WebSocket): void;
};

/**
 * The JSON-RPC frame codec and request table of the socket client: ids are this client's own counter, replies are
 * matched by id (out of order is fine), a late reply to a timed-out call or an unknown id is dropped, an fc error is
 * an RpcNodeError (deterministic), an unusable reply a transport error.
 *
 * @param options - see {@link CallTableOptions}
 */
export function createCallTable(options: CallTableOptions): CallTable {
  const { url, fail, log, onNotice } = options;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  function failAll(reason: string, ws?: WebSocket): void {
    for (const [id, p] of [...pending]) {
      if (ws && p.ws !== ws) continue;
      pending.delete(id);
      clearTimeout(p.timer);
      p.reject(fail('NODE_CLOSED', p.method, true, `Connection to ${url} closed: ${reason}`));
    }
  }

  function receive(data: WebSocket.RawData): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      log.debug('ignored a frame that is not JSON');
      return;
    }
    if (msg === null || typeof msg !== 'object') return;
    const m = msg as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
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
      p.reject(new RpcNodeError({ url, method: p.method, error }));
    } else if ('result' in m) {
      p.resolve(m.result);
    } else {
      p.reject(fail('NODE_UNAVAILABLE', p.method, true, `Unusable reply from ${url} to ${p.method}`));
    }
  }

  function send(ws: WebSocket, apiId: number, method: string, params: unknown[], ms: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) {
        reject(fail('NODE_CLOSED', method, false, `Connection to ${url} is not open`));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        if (pending.delete(id)) reject(fail('NODE_TIMEOUT', method, true, `Node ${url} did not answer ${method} within ${ms} ms`));
      }, ms);
      pending.set(id, { ws, method, resolve, reject, timer });
      ws.send(JSON.stringify({ id, method: 'call', params: [apiId, method, params] }), (err) => {
        if (err && pending.delete(id)) {
          clearTimeout(timer);
          reject(fail('NODE_CLOSED', method, true, `Could not send ${method} to ${url}`, err));
        }
      });
    });
  }

  return { send, receive, failAll };
}
