import WebSocket from 'ws';
import { classifyBroadcastRefusal } from '../chain/rpc/classifyBroadcastRefusal.js';
import type { ChainOutcome } from './protocol.js';

export type BroadcastSignedTxParameters = {
  signedTx: Record<string, unknown>;
  /** Nodes on another chain are skipped (the signature binds the chain id, so they could only refuse it). */
  chainId: string;
  /** Node URLs in order of preference. */
  urls: readonly string[];
  /** Deadline of the connection and of each call, ms. */
  callTimeoutMs: number;
  /** Passes over the URL list while no node took the request. @default 2 */
  passes?: number;
  /** Pause before a further pass, ms. @default 150 */
  passDelayMs?: number;
};

/** The JSON-RPC `error` member as a node sent it (classified by classifyBroadcastRefusal). */
type FcError = Record<string, unknown>;

/** The request never left this process for that node: safe to try the next one. */
class NotSent extends Error {}
/** The node answered the call with an error (deterministic: same answer everywhere). */
class NodeRefused extends Error {
  constructor(readonly fc: FcError) {
    super('node refused');
  }
}

/**
 * Broadcasts one already signed (and already persisted) transaction from the payout worker, on ONE fresh
 * connection per node tried, with the smallest handshake that allows it and a chain-id check:
 * `login` → `database` + `network_broadcast` ids (together) → `get_chain_id` → `broadcast_transaction`.
 * It replaces the full node client in the worker (zod, pino, keep-alive and reconnect machinery are dead
 * weight for one call in a process that lives a fraction of a second).
 *
 * Classification (as the node client's RpcNodeError / RpcTransportError gave it before):
 * - `null` result, or duplicate_transaction (the node holds this exact tx) → accepted;
 * - an fc error to the broadcast → rejected (definite), with the cause classifyBroadcastRefusal reads from the
 *   exception's name, code and assertion text (funds, fee, authority, transient, payment, other);
 * - no node took the request (connect or handshake failed everywhere, before the broadcast frame was written)
 *   → rejected `node_unreachable`, transient: nothing left the process, a later round rebuilds;
 * - anything after the broadcast frame was handed to the socket (timeout, drop, unusable reply) → ambiguous.
 * Never throws.
 */
export async function broadcastSignedTx(p: BroadcastSignedTxParameters): Promise<ChainOutcome> {
  const passes = p.passes ?? 2;
  let lastReason = 'no node URL';
  for (let pass = 0; pass < passes; pass++) {
    if (pass > 0) await new Promise((r) => setTimeout(r, (1 << (pass - 1)) * (p.passDelayMs ?? 150)));
    for (const url of p.urls) {
      try {
        return await broadcastOn(url, p);
      } catch (err) {
        if (!(err instanceof NotSent)) return { kind: 'ambiguous', reason: shortText(err) };
        lastReason = err.message;
      }
    }
  }
  return {
    kind: 'rejected',
    fcName: 'node_unreachable',
    reason: lastReason.slice(0, 300),
    cause: 'transient',
    funds: false,
    transient: true,
  };
}

async function broadcastOn(url: string, p: BroadcastSignedTxParameters): Promise<ChainOutcome> {
  const safe = safeUrl(url);
  const ms = p.callTimeoutMs;
  let ws: WebSocket;
  try {
    ws = new WebSocket(url, { handshakeTimeout: ms, perMessageDeflate: false });
  } catch {
    throw new NotSent(`invalid node URL ${safe}`);
  }
  ws.on('error', () => {}); // reported through 'close' / the pending calls
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let closed = false;
  ws.on('close', () => {
    closed = true;
    for (const [id, c] of pending) {
      pending.delete(id);
      clearTimeout(c.timer);
      c.reject(new Error(`connection to ${safe} closed`));
    }
  });
  ws.on('message', (data) => {
    let m: { id?: unknown; result?: unknown; error?: unknown };
    try {
      m = JSON.parse(data.toString()) as typeof m;
    } catch {
      return;
    }
    if (m === null || typeof m !== 'object' || typeof m.id !== 'number') return;
    const c = pending.get(m.id);
    if (!c) return;
    pending.delete(m.id);
    clearTimeout(c.timer);
    if (m.error !== undefined && m.error !== null) {
      c.reject(new NodeRefused(typeof m.error === 'object' ? (m.error as FcError) : { message: String(m.error) }));
    } else if ('result' in m) c.resolve(m.result);
    else c.reject(new Error(`unusable reply from ${safe}`));
  });

  /** One call; `onSent` runs once the frame is handed to the socket (from then on the node may act on it). */
  const call = (api: number, method: string, params: unknown[], onSent?: () => void): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (closed || ws.readyState !== WebSocket.OPEN) {
        reject(new NotSent(`connection to ${safe} is not open`));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        if (pending.delete(id)) reject(new Error(`${safe} did not answer ${method} within ${ms} ms`));
      }, ms);
      pending.set(id, { resolve, reject, timer });
      onSent?.();
      ws.send(JSON.stringify({ id, method: 'call', params: [api, method, params] }));
    });

  let sent = false;
  let broadcastApi = 0;
  try {
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('connect timeout')), ms);
        ws.once('open', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.once('close', () => {
          clearTimeout(timer);
          reject(new Error('closed before open'));
        });
      });
      if ((await call(1, 'login', ['', ''])) !== true) throw new Error('login refused');
      const [db, nb] = await Promise.all([call(1, 'database', []), call(1, 'network_broadcast', [])]);
      if (!Number.isInteger(db) || !Number.isInteger(nb)) throw new Error('invalid api ids');
      const chainId = await call(db as number, 'get_chain_id', []);
      if (chainId !== p.chainId) throw new Error(`${safe} is on another chain`);
      broadcastApi = nb as number;
    } catch (err) {
      throw new NotSent(`${safe}: ${shortText(err)}`);
    }
    try {
      await call(broadcastApi, 'broadcast_transaction', [p.signedTx], () => {
        sent = true;
      });
      return { kind: 'accepted' };
    } catch (err) {
      if (err instanceof NodeRefused) return classifyRefusal(err.fc);
      if (!sent) throw err instanceof NotSent ? err : new NotSent(`${safe}: ${shortText(err)}`);
      throw err; // sent, no usable answer: ambiguous
    }
  } finally {
    for (const c of pending.values()) clearTimeout(c.timer);
    ws.terminate();
  }
}

/** An fc refusal of `broadcast_transaction`, as the engine consumes it. */
function classifyRefusal(fc: FcError): ChainOutcome {
  const r = classifyBroadcastRefusal(fc);
  if (r.kind === 'accepted') return { kind: 'accepted' };
  return {
    kind: 'rejected',
    fcName: r.fcName,
    reason: r.reason,
    cause: r.cause,
    funds: r.cause === 'funds',
    transient: r.cause === 'transient',
  };
}

/** Node URLs may carry credentials: never let them into a message. */
function safeUrl(url: string): string {
  return url.replace(/\/\/[^@/\s]*@/, '//');
}

function shortText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}
