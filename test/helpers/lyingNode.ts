import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export type InterceptedCall = { api: unknown; method: string; params: unknown[] };

/**
 * What the lying node does to one reply: return a replacement result (or a promise of one), or undefined to pass the
 * real one. `ask` makes a call of the lying node's own on the same upstream connection (same api ids), e.g. to fetch
 * another block to answer with.
 */
export type Rewrite = (
  call: InterceptedCall,
  result: unknown,
  ask: (method: string, params: unknown[]) => Promise<unknown>,
) => unknown | Promise<unknown>;

export type LyingNode = {
  url: string;
  /** Replaced at run time to change what the node lies about. */
  rewrite: Rewrite;
  /** Calls seen, by method. */
  calls: Map<string, number>;
  close(): Promise<void>;
};

/**
 * A node that speaks the real protocol but lies: a WebSocket server that forwards every frame to an honest node
 * (the simulator) and lets `rewrite` replace any result before it goes back. This is what a malicious fallback
 * node, or anyone in the middle of a plain ws:// link, can do.
 */
export async function startLyingNode(upstreamUrl: string, rewrite: Rewrite = () => undefined): Promise<LyingNode> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const node: LyingNode = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    rewrite,
    calls: new Map(),
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
  wss.on('connection', (client) => {
    const upstream = new WebSocket(upstreamUrl);
    const queue: string[] = [];
    const pending = new Map<unknown, InterceptedCall>();
    const own = new Map<string, (result: unknown) => void>();
    let ownId = 0;
    const send = (text: string) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else queue.push(text);
    };
    upstream.on('open', () => {
      for (const m of queue.splice(0)) upstream.send(m);
    });
    upstream.on('error', () => client.terminate());
    upstream.on('close', () => client.terminate());
    client.on('error', () => upstream.terminate());
    client.on('close', () => upstream.terminate());
    client.on('message', (data) => {
      const text = data.toString();
      try {
        const msg = JSON.parse(text) as { id?: unknown; params?: unknown[] };
        const [api, method, params] = (msg.params ?? []) as [unknown, string, unknown[]];
        pending.set(msg.id, { api, method, params: Array.isArray(params) ? params : [] });
        node.calls.set(method, (node.calls.get(method) ?? 0) + 1);
      } catch {
        // forwarded as is
      }
      send(text);
    });
    upstream.on('message', async (data) => {
      let text = data.toString();
      try {
        const msg = JSON.parse(text) as { id?: unknown; result?: unknown };
        if (typeof msg.id === 'string' && own.has(msg.id)) {
          own.get(msg.id)?.(msg.result);
          own.delete(msg.id);
          return;
        }
        const call = pending.get(msg.id);
        pending.delete(msg.id);
        if (call && 'result' in msg) {
          const ask = (method: string, params: unknown[]) =>
            new Promise<unknown>((resolve) => {
              const id = `lie-${++ownId}`;
              own.set(id, resolve);
              send(JSON.stringify({ id, method: 'call', params: [call.api, method, params] }));
            });
          const replaced = await node.rewrite(call, msg.result, ask);
          if (replaced !== undefined) text = JSON.stringify({ ...msg, result: replaced });
        }
      } catch {
        // passed through
      }
      if (client.readyState === WebSocket.OPEN) client.send(text);
    });
  });
  return node;
}
