import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { btsToSats } from '../../domain/money.js';
import { silentLogger } from '../../log.js';
import { type BittrexFault, createFaultBook } from './createFaultBook.js';
import { createSimExchange, type SendOnChain, type SimAccountInput, type SimWithdrawal } from './createSimExchange.js';
import { listClosed, listOpen } from './listWithdrawals.js';
import { parseNewWithdrawal } from './parseNewWithdrawal.js';
import { renderBalance, renderCurrency, renderDeposit, renderHeaderEcho, renderWithdrawal } from './renderBodies.js';
import { verifySignature } from './verifySignature.js';

export type BittrexSimulatorOptions = {
  /** @default 0 (any free port) */
  port?: number;
  /** One entry per Bittrex login; index = account number − 1. */
  accounts: SimAccountInput[];
  /** Withdrawal fee (txCost). @default 5 BTS */
  txFeeSats?: bigint;
  /** Allowed |Api-Timestamp − now|. @default 30_000 */
  timestampToleranceMs?: number;
  /** Authenticated calls per key per clock minute; 0 turns the limit off. @default 60 */
  rateLimitPerMinute?: number;
  /** The shared BitShares account deposits go to. @default 'bittrex-deposit' */
  depositAccountName?: string;
  /** When set, a timer completes each withdrawal this long after creation; otherwise only `processPending()` does. */
  completeAfterMs?: number;
  /** Performs the payout on the (simulated) chain; memo = cryptoAddressTag. Without it a random txId is recorded. */
  sendOnChain?: SendOnChain;
  /** Exchange clock. @default Date.now */
  now?: () => number;
  /** Seed of the PRNG behind fault probabilities. @default 1 */
  seed?: number;
  logger?: Logger;
};

export type BittrexSimulator = {
  /** Base URL ending in `/v3`. */
  url: string;
  close(): Promise<void>;
  /** Every withdrawal ever created on that account (copies). */
  ledger(accountIndex: number): SimWithdrawal[];
  balance(accountIndex: number): bigint;
  setBalance(accountIndex: number, sats: bigint): void;
  /** A deposit arriving from the chain on the shared account with this memo; false if no account owns it. */
  credit(depositTag: string, sats: bigint, txId?: string): boolean;
  setCurrencyOnline(online: boolean): void;
  inject(fault: BittrexFault): void;
  clearFaults(): void;
  /** Drives every in-flight withdrawal REQUESTED → … → COMPLETED now (retrying failed chain sends). */
  processPending(): Promise<void>;
};

type Reply = { status: number; body: unknown } | { drop: true } | { hang: true };

/**
 * Starts a Bittrex v3 simulator on 127.0.0.1 (plain node:http), wire-compatible with the subset the payout
 * rail uses: exact v3 signature checks, per-key minute rate limit, BTS balances as decimal strings, fee and
 * minimum rules, `clientWithdrawalId` dedupe per account, the withdrawal status machine and fault injection.
 *
 * @example
 * const sim = await startBittrexSimulator({ accounts: [{ apiKey: 'k', apiSecret: 's', balanceSats: 10_000_000n, depositTag: 'm1' }] });
 * const client = createBittrexClient({ baseUrl: sim.url, apiKey: 'k', apiSecret: 's' });
 */
export async function startBittrexSimulator(options: BittrexSimulatorOptions): Promise<BittrexSimulator> {
  const {
    port = 0,
    txFeeSats = btsToSats(5),
    timestampToleranceMs = 30_000,
    rateLimitPerMinute = 60,
    depositAccountName = 'bittrex-deposit',
    completeAfterMs,
    sendOnChain,
    now = Date.now,
    seed = 1,
    logger = silentLogger,
  } = options;
  const log = logger.child({ mod: 'bittrex-sim' });
  const exchange = createSimExchange({
    accounts: options.accounts,
    txFeeSats,
    now,
    ...(sendOnChain === undefined ? {} : { sendOnChain }),
    onSendError: (w, err) =>
      log.warn({ withdrawalId: w.id, err: err instanceof Error ? err.message : String(err) }, 'sendOnChain failed; stays PENDING'),
  });
  const faults = createFaultBook(seed);
  const rate = new Map<string, { minute: number; count: number }>();
  const parked = new Set<http.ServerResponse>();
  let closed = false;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      handle(req, Buffer.concat(chunks))
        .then((reply) => send(res, reply))
        .catch((err: unknown) => {
          log.error({ err: err instanceof Error ? err.message : String(err) }, 'simulator handler failed');
          send(res, { status: 500, body: undefined });
        });
    });
  });

  function send(res: http.ServerResponse, reply: Reply): void {
    if (closed || res.destroyed) return;
    if ('drop' in reply) {
      res.socket?.destroy();
      return;
    }
    if ('hang' in reply) {
      parked.add(res);
      res.on('close', () => parked.delete(res));
      return;
    }
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'Content-Type': reply.body === undefined ? 'text/plain' : 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      Connection: 'close',
    });
    res.end(text);
  }

  const err = (status: number, code: string, extra: { detail?: string; data?: Record<string, unknown> } = {}): Reply => ({
    status,
    body: { code, ...extra },
  });
  const fail = (e: { status: number; code: string; detail?: string; data?: Record<string, unknown> }): Reply =>
    err(e.status, e.code, { ...(e.detail === undefined ? {} : { detail: e.detail }), ...(e.data === undefined ? {} : { data: e.data }) });

  async function handle(req: http.IncomingMessage, rawBody: Buffer): Promise<Reply> {
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', 'http://sim.invalid');
    if (!target.pathname.startsWith('/v3/')) return err(404, 'NOT_FOUND');
    const path = target.pathname.slice(3);
    const ctx = { method, path };
    log.debug({ method, path }, 'request');

    // 1. Faults that act before anything is looked at.
    const latency = faults.take('latency', ctx);
    if (latency) await new Promise((r) => setTimeout(r, latency.ms));
    if (closed) return { drop: true };
    if (faults.take('hang', ctx)) return { hang: true };
    const status = faults.take('status', ctx);
    if (status) {
      const code = status.code ?? (status.status === 429 ? 'THROTTLED' : status.status === 503 ? 'CURRENCY_OFFLINE' : undefined);
      return code === undefined ? { status: status.status, body: undefined } : err(status.status, code);
    }
    const echo = faults.take('echoHeaders', ctx);
    if (echo) return { status: echo.status ?? 400, body: renderHeaderEcho(req.headers) };

    // 2. Public endpoints.
    if (method === 'GET' && path === '/ping') return { status: 200, body: { serverTime: Math.floor(now() / 1000) * 1000 } };
    if (method === 'GET' && path === '/currencies')
      return { status: 200, body: [renderCurrency(txFeeSats, exchange.currencyOnline(), depositAccountName)] };
    if (method === 'GET' && path.startsWith('/currencies/')) {
      if (path.slice(12).toUpperCase() !== 'BTS') return err(404, 'CURRENCY_DOES_NOT_EXIST');
      return { status: 200, body: renderCurrency(txFeeSats, exchange.currencyOnline(), depositAccountName) };
    }

    // 3. Authentication over the URL exactly as addressed and the raw bytes received.
    const auth = verifySignature({
      headers: req.headers,
      fullUrl: `http://${req.headers.host ?? ''}${req.url ?? ''}`,
      method,
      rawBody,
      findAccount: exchange.findByKey,
      nowMs: now(),
      toleranceMs: timestampToleranceMs,
    });
    if (!auth.ok) return err(auth.status, auth.code);
    const account = auth.account;

    // 4. Per-key budget, reset at the start of each clock minute.
    if (rateLimitPerMinute > 0) {
      const minute = Math.floor(now() / 60_000);
      const r = rate.get(account.apiKey);
      if (!r || r.minute !== minute) rate.set(account.apiKey, { minute, count: 1 });
      else if (++r.count > rateLimitPerMinute) return err(429, 'THROTTLED');
    }

    return route(method, path, target.searchParams, rawBody, account);
  }

  function route(method: string, path: string, q: URLSearchParams, rawBody: Buffer, account: ReturnType<typeof exchange.account>): Reply {
    const ok = (body: unknown, status = 200): Reply => ({ status, body });
    const all = account.withdrawals;
    if (method === 'GET' && path === '/balances') return ok([renderBalance(account.balanceSats, account.updatedAt)]);
    if (method === 'GET' && path.startsWith('/balances/')) {
      if (path.slice(10).toUpperCase() !== 'BTS') return err(404, 'CURRENCY_DOES_NOT_EXIST');
      return ok(renderBalance(account.balanceSats, account.updatedAt));
    }
    if (method === 'GET' && path.startsWith('/addresses/')) {
      if (path.slice(11).toUpperCase() !== 'BTS') return err(404, 'CURRENCY_DOES_NOT_EXIST');
      return ok({ status: 'PROVISIONED', currencySymbol: 'BTS', cryptoAddress: depositAccountName, cryptoAddressTag: account.depositTag });
    }
    if (method === 'GET' && path === '/deposits/open') return ok([]);
    if (method === 'GET' && path === '/deposits/closed') {
      return ok([...account.deposits].reverse().map((d) => renderDeposit(d, depositAccountName, account.depositTag)));
    }
    if (method === 'POST' && path === '/withdrawals') {
      const parsed = parseNewWithdrawal(rawBody);
      if (!parsed.ok) return fail(parsed.error);
      const forceInsufficient = faults.take('insufficientFunds', { method, path, accountIndex: account.index }) !== undefined;
      const created = exchange.createWithdrawal(account, { ...parsed.input, forceInsufficient });
      if (!created.ok) return fail(created.error);
      log.info({ account: account.index, withdrawalId: created.withdrawal.id }, 'withdrawal created');
      // The key reliability case: committed, but the answer never arrives.
      if (faults.take('dropAfterCommit', { method, path })) return { drop: true };
      return ok(renderWithdrawal(created.withdrawal), 201);
    }
    if (method === 'GET' && path === '/withdrawals/open') {
      const r = listOpen(all, q);
      return r.ok ? ok(r.items.map(renderWithdrawal)) : fail(r.error);
    }
    if (method === 'GET' && path === '/withdrawals/closed') {
      const r = listClosed(all, q);
      return r.ok ? ok(r.items.map(renderWithdrawal)) : fail(r.error);
    }
    if (method === 'GET' && path === '/withdrawals/allowed-addresses') return ok([]);
    if (method === 'GET' && path.startsWith('/withdrawals/ByTxId/')) {
      const txId = decodeURIComponent(path.slice(20));
      return ok(all.filter((w) => w.txId === txId).map(renderWithdrawal));
    }
    const m = /^\/withdrawals\/([^/]+)$/.exec(path);
    if (m?.[1] !== undefined && (method === 'GET' || method === 'DELETE')) {
      const id = decodeURIComponent(m[1]).toLowerCase();
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return err(400, 'UUID_INVALID');
      if (method === 'DELETE') {
        const r = exchange.cancel(account, id);
        return r.ok ? ok(renderWithdrawal(r.withdrawal)) : fail(r.error);
      }
      const w = all.find((x) => x.id === id);
      return w ? ok(renderWithdrawal(w)) : err(404, 'NOT_FOUND');
    }
    return err(404, 'NOT_FOUND');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;

  const timer =
    completeAfterMs === undefined
      ? undefined
      : setInterval(
          () => {
            exchange.advance(completeAfterMs).catch(() => undefined);
          },
          Math.max(10, Math.min(250, Math.floor(completeAfterMs / 3))),
        );
  timer?.unref();

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${boundPort}/v3`,
    close() {
      closing ??= (async () => {
        closed = true;
        if (timer) clearInterval(timer);
        for (const res of parked) res.socket?.destroy();
        parked.clear();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
    ledger: (i) => exchange.account(i).withdrawals.map((w) => ({ ...w })),
    balance: (i) => exchange.account(i).balanceSats,
    setBalance(i, sats) {
      const a = exchange.account(i);
      a.balanceSats = sats;
      a.updatedAt = now();
    },
    credit: (tag, sats, txId) => exchange.credit(tag, sats, ...(txId === undefined ? [] : [txId])),
    setCurrencyOnline: (online) => exchange.setCurrencyOnline(online),
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    processPending: () => exchange.processPending(),
  };
}
