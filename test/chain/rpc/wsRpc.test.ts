import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { createWsRpc, RpcNodeError, type WsRpc } from '../../../src/chain/rpc/index.js';
import { isError } from '../../../src/errors/BaseError.js';
import { startChainSimulator } from '../../../src/sim/chain/index.js';

const CHAIN = 'ab'.repeat(32);
type Frame = { id: number; params: [number, string, unknown[]] };

/** A scriptable fake node: `onCall` decides per frame (return a value to answer, undefined to stay silent). */
async function fakeNode(onCall: (f: Frame, ws: WebSocket) => unknown) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const frames: Frame[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as Frame;
      frames.push(f);
      const handshake: Record<string, unknown> = {
        login: true,
        database: 2,
        network_broadcast: 3,
        history: 4,
        get_chain_id: CHAIN,
      };
      const m = f.params[1];
      const r = m in handshake && f.params[0] === (m === 'get_chain_id' ? 2 : 1) ? handshake[m] : onCall(f, ws);
      if (r !== undefined) ws.send(JSON.stringify({ id: f.id, result: r }));
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    frames,
    wss,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
function track<T extends { close(): Promise<unknown> }>(x: T): T {
  cleanups.push(() => x.close());
  return x;
}

describe('createWsRpc', () => {
  it('runs the handshake (login, database, network_broadcast, history, get_chain_id) and uses the api ids it got', async () => {
    const node = track(await fakeNode((f) => (f.params[1] === 'get_block' ? { api: f.params[0] } : undefined)));
    const rpc = track(createWsRpc(node.url));
    expect(await rpc.connect()).toEqual({
      chainId: CHAIN,
      historyAvailable: true,
    });
    expect(await rpc.request({ api: 'database', method: 'get_block', params: [1] })).toEqual({ api: 2 });
    expect(node.frames.map((f) => [f.params[0], f.params[1]])).toEqual([
      [1, 'login'],
      [1, 'database'],
      [1, 'network_broadcast'],
      [1, 'history'],
      [2, 'get_chain_id'],
      [2, 'get_block'],
    ]);
  });

  it('treats a refused history api as not available, not fatal', async () => {
    const sim = track(await startChainSimulator({ historyApi: false }));
    const rpc = track(createWsRpc(sim.url));
    expect(await rpc.connect()).toEqual({
      chainId: sim.chainId,
      historyAvailable: false,
    });
    const err: any = await rpc.request({ api: 'history', method: 'get_account_history', params: [] }).catch((e: any) => e);
    expect(isError(err, 'NODE_UNAVAILABLE')).toBe(true);
    expect(await rpc.request({ api: 'database', method: 'get_chain_id' })).toBe(sim.chainId);
  });

  it('matches replies by id when they come back in reverse order', async () => {
    const held: Array<{ ws: WebSocket; f: Frame }> = [];
    const node = track(
      await fakeNode((f, ws) => {
        held.push({ ws, f });
        if (held.length === 10) for (const h of held.reverse()) h.ws.send(JSON.stringify({ id: h.f.id, result: h.f.params[2][0] }));
        return undefined;
      }),
    );
    const rpc = track(createWsRpc(node.url));
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => rpc.request({ api: 'database', method: 'echo', params: [i * 7] })));
    expect(out).toEqual(Array.from({ length: 10 }, (_, i) => i * 7));
  });

  it('rejects a call the node never answers with NODE_TIMEOUT and keeps serving other calls', async () => {
    const sim = track(await startChainSimulator({ faults: { hang: ['get_block'] } }));
    const rpc = track(createWsRpc(sim.url, { timeoutMs: 300 }));
    const err: any = await rpc.request({ api: 'database', method: 'get_block', params: [1] }).catch((e: any) => e);
    expect(isError(err, 'NODE_TIMEOUT')).toBe(true);
    expect(err.requestSent).toBe(true);
    expect(await rpc.request({ api: 'database', method: 'get_chain_id' })).toBe(sim.chainId);
  });

  it('rejects every pending call at once when the node drops the connection', async () => {
    const sockets: WebSocket[] = [];
    const node = track(
      await fakeNode((_f, ws) => {
        sockets.push(ws);
        if (sockets.length === 5) ws.terminate();
        return undefined;
      }),
    );
    const rpc = track(createWsRpc(node.url, { timeoutMs: 20_000 }));
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => rpc.request({ api: 'database', method: 'get_block', params: [i] })),
    );
    expect(results.every((r) => r.status === 'rejected' && isError(r.reason, 'NODE_CLOSED'))).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000); // settled by the drop, not by the 20 s timeout
  });

  it('close() rejects pending calls, sets intentionallyClosed and does not reconnect', async () => {
    const node = track(await fakeNode(() => undefined));
    const rpc: WsRpc = createWsRpc(node.url, { timeoutMs: 20_000 });
    const pending = Array.from({ length: 3 }, () =>
      rpc.request({ api: 'database', method: 'get_block', params: [1] }).catch((e: any) => e),
    );
    await new Promise((r) => setTimeout(r, 200));
    await rpc.close();
    const errors = await Promise.all(pending);
    expect(errors.every((e) => isError(e, 'NODE_CLOSED'))).toBe(true);
    expect(rpc.intentionallyClosed).toBe(true);
    const connections = node.wss.clients.size;
    await new Promise((r) => setTimeout(r, 700));
    expect(node.wss.clients.size).toBeLessThanOrEqual(connections);
    expect(isError(await rpc.request({ api: 'database', method: 'get_chain_id' }).catch((e: any) => e), 'NODE_CLOSED')).toBe(true);
  });

  it('reconnects with a fresh handshake after the node drops the socket', async () => {
    const sim = track(await startChainSimulator({ faults: { dropEveryNCalls: 8 } }));
    const rpc = track(createWsRpc(sim.url, { reconnectDelayMs: 10 }));
    let ok = 0;
    for (let i = 0; i < 30; i++) {
      try {
        expect(await rpc.request({ api: 'database', method: 'get_chain_id' })).toBe(sim.chainId);
        ok++;
      } catch (err) {
        expect(isError(err, 'NODE_CLOSED') || isError(err, 'NODE_UNAVAILABLE')).toBe(true);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(ok).toBeGreaterThan(15);
  });

  it('ignores garbage frames and unknown ids', async () => {
    const sim = track(await startChainSimulator({ faults: { garbageEveryNCalls: 1 } }));
    const rpc = track(createWsRpc(sim.url));
    for (let n = 1; n <= 20; n++) {
      const dgp = await rpc.request<{ head_block_number: number }>({
        api: 'database',
        method: 'get_dynamic_global_properties',
      });
      expect(dgp.head_block_number).toBe(sim.headBlockNumber);
    }
  });

  it('throws the node error as RpcNodeError with the fc name and code', async () => {
    const sim = track(
      await startChainSimulator({
        faults: {
          errors: { get_block: { name: 'assert_exception', code: 10 } },
        },
      }),
    );
    const rpc = track(createWsRpc(sim.url));
    const err: any = await rpc.request({ api: 'database', method: 'get_block', params: [1] }).catch((e: any) => e);
    expect(err).toBeInstanceOf(RpcNodeError);
    expect([err.code, err.fcName, err.fcCode]).toEqual(['RPC_ERROR', 'assert_exception', 10]);
    const missing: any = await rpc.request({ api: 'database', method: 'no_such_method' }).catch((e: any) => e);
    // -32601 at the top, the method_not_found_exception (code 22) in data, as fc's websocket_api answers it.
    expect([missing.code, missing.rpcCode, missing.fcName, missing.fcCode]).toEqual([
      'RPC_ERROR',
      -32601,
      'method_not_found_exception',
      22,
    ]);
  });

  it('terminates a silent socket after the silence deadline, failing its calls before their timeout', async () => {
    const node = track(await fakeNode(() => undefined));
    const rpc = track(
      createWsRpc(node.url, {
        timeoutMs: 20_000,
        keepAliveMs: 100,
        silenceTimeoutMs: 500,
      }),
    );
    const started = Date.now();
    const err: any = await rpc.request({ api: 'database', method: 'get_block', params: [1] }).catch((e: any) => e);
    expect(isError(err, 'NODE_CLOSED')).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(node.frames.some((f) => f.params[1] === 'get_dynamic_global_properties')).toBe(true); // keep-alive ping
  });

  it('never puts URL credentials in errors or config', async () => {
    const sim = track(await startChainSimulator({ faults: { refuseConnections: true } }));
    const url = sim.url.replace('ws://', 'ws://alice:s3cretPW@') + '/ws?apikey=k3yk3y';
    const rpc = track(createWsRpc(url));
    const err: any = await rpc.request({ api: 'database', method: 'get_chain_id' }).catch((e: any) => e);
    expect(isError(err, 'NODE_UNAVAILABLE')).toBe(true);
    const text = JSON.stringify({
      m: String(err.message),
      c: String(err.cause?.message),
      s: String(err.stack),
      u: rpc.config.url,
    });
    expect(text).not.toContain('s3cretPW');
    expect(text).not.toContain('k3yk3y');
    expect(rpc.config.url).toContain('127.0.0.1');
  });
});
