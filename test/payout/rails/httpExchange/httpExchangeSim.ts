import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A second exchange, simulated for the "adding a rail" proof: a plain JSON API over HTTP on 127.0.0.1, idempotent by the
 * caller's key, as real payout APIs are (Stripe's Idempotency-Key, Bittrex's clientWithdrawalId).
 * - POST /payouts {key, to, amountSats, memo} → 201 {key, status: 'pending'}; the same key again → 200 with the first
 *   payout (never a second one); short of funds → 422 {error: 'insufficient_funds'};
 * - GET /payouts/:key → 200 {key, status: 'pending' | 'done', txId?} or 404;
 * - GET /balance → {availableSats}.
 * `process()` completes pending payouts by sending them on the chain (the caller's `send`).
 */
export type HttpExchangeSim = {
  url: string;
  payouts: Map<string, { key: string; to: string; amountSats: bigint; memo: string; status: 'pending' | 'done'; txId?: string }>;
  /** POSTs received, including repeats. */
  posts: number;
  balanceSats: bigint;
  /** The next POST is processed but its answer is never sent (the connection is dropped): an ambiguous send. */
  dropNextAnswer: boolean;
  process(): Promise<void>;
  close(): Promise<void>;
};

export async function startHttpExchangeSim(o: {
  balanceSats: bigint;
  send: (p: { to: string; amountSats: bigint; memo: string }) => Promise<{ txId: string }>;
}): Promise<HttpExchangeSim> {
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => resolve(body));
    });
  const server: Server = createServer(async (req, res) => {
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const view = (p: HttpExchangeSim['payouts'] extends Map<string, infer V> ? V : never) => ({
      key: p.key,
      status: p.status,
      ...(p.txId ? { txId: p.txId } : {}),
    });
    if (req.method === 'GET' && req.url === '/balance') return json(200, { availableSats: sim.balanceSats.toString() });
    const m = /^\/payouts\/([0-9a-z-]{1,80})$/.exec(req.url ?? '');
    if (req.method === 'GET' && m) {
      const p = sim.payouts.get(m[1]!);
      return p ? json(200, view(p)) : json(404, { error: 'not_found' });
    }
    if (req.method === 'POST' && req.url === '/payouts') {
      sim.posts++;
      const body = JSON.parse(await read(req)) as { key: string; to: string; amountSats: string; memo: string };
      const seen = sim.payouts.get(body.key);
      if (seen) return json(200, view(seen));
      const amountSats = BigInt(body.amountSats);
      if (amountSats > sim.balanceSats) return json(422, { error: 'insufficient_funds' });
      sim.balanceSats -= amountSats;
      const p = { key: body.key, to: body.to, amountSats, memo: body.memo, status: 'pending' as const };
      sim.payouts.set(body.key, p);
      if (sim.dropNextAnswer) {
        sim.dropNextAnswer = false;
        req.socket.destroy();
        return;
      }
      return json(201, view(p));
    }
    json(404, { error: 'no_route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sim: HttpExchangeSim = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    payouts: new Map(),
    posts: 0,
    balanceSats: o.balanceSats,
    dropNextAnswer: false,
    async process() {
      for (const p of sim.payouts.values()) {
        if (p.status !== 'pending') continue;
        const { txId } = await o.send(p);
        Object.assign(p, { status: 'done', txId });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sim;
}
