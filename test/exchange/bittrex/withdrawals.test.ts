import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isError } from '../../../src/errors/BaseError.js';
import { type BittrexClient, createBittrexClient } from '../../../src/exchange/bittrex/index.js';
import { type BittrexSimulator, startBittrexSimulator } from '../../../src/sim/bittrex/index.js';
import { Secret } from '../../../src/wallet/Secret.js';

const BTS = 100_000n;
const plainCreds = { apiKey: 'key-acc-1', apiSecret: 'secret-acc-1' };
const creds = { apiKey: new Secret(plainCreds.apiKey), apiSecret: new Secret(plainCreds.apiSecret) };
let sim: BittrexSimulator;
let client: BittrexClient;
let sent: Array<{ to: string; amountSats: bigint; memo: string }>;
let failSends: number;

beforeEach(async () => {
  sent = [];
  failSends = 0;
  sim = await startBittrexSimulator({
    accounts: [
      { ...plainCreds, balanceSats: 10_000n * BTS, depositTag: 'tag-1' },
      { apiKey: 'key-acc-2', apiSecret: 'secret-acc-2', balanceSats: 0n, depositTag: 'tag-2' },
    ],
    rateLimitPerMinute: 0,
    sendOnChain: async (w) => {
      if (failSends > 0) {
        failSends -= 1;
        throw new Error('node down');
      }
      sent.push(w);
      return { txId: `tx${sent.length}`.padEnd(40, '0') };
    },
  });
  client = createBittrexClient({ baseUrl: sim.url, ...creds, timeoutMs: 2_000 });
});
afterEach(() => sim.close());

const withdraw = (quantity: bigint, clientWithdrawalId = randomUUID()) =>
  client.createWithdrawal({ quantity, cryptoAddress: 'alice', cryptoAddressTag: 'interest c42 #1', clientWithdrawalId });

describe('Bittrex client ↔ simulator: reads', () => {
  it('balance, currency (fee and minimum), deposit address', async () => {
    expect(await client.getBalance()).toEqual({ total: 10_000n * BTS, available: 10_000n * BTS });
    expect(await client.getCurrency('BTS')).toEqual({ txFee: 5n * BTS, status: 'ONLINE', minWithdrawal: 15n * BTS + 1n });
    expect(await client.getDepositAddress('BTS')).toEqual({ cryptoAddress: 'bittrex-deposit', cryptoAddressTag: 'tag-1' });
    expect(sim.credit('tag-1', 7n * BTS)).toBe(true);
    expect(sim.credit('no-such-tag', 7n * BTS)).toBe(false);
    expect((await client.getBalance()).available).toBe(10_007n * BTS);
  });

  it('ping and syncClock measure the exchange clock', async () => {
    const { serverTime } = await client.ping();
    expect(serverTime % 1000).toBe(0);
    expect(Math.abs(await client.syncClock())).toBeLessThan(5_000);
  });

  it('a read refused by the exchange throws a BaseError with an EXCHANGE_* code', async () => {
    const err = await client.getWithdrawal(randomUUID()).catch((e: unknown) => e);
    expect(isError(err, 'EXCHANGE_REJECTED')).toBe(true);
    expect(err).toMatchObject({ httpStatus: 404, bittrexCode: 'NOT_FOUND' });
  });
});

describe('Bittrex client ↔ simulator: createWithdrawal outcomes', () => {
  it('201 created → completes → sendOnChain gets quantity − fee with the memo; balance debited once', async () => {
    const id = randomUUID();
    const outcome = await withdraw(100n * BTS, id);
    expect(outcome.kind).toBe('created');
    if (outcome.kind !== 'created') return;
    expect(outcome.withdrawal).toMatchObject({ quantity: 100n * BTS, txCost: 5n * BTS, status: 'REQUESTED', clientWithdrawalId: id });
    expect(await client.getBalance()).toEqual({ total: 9_900n * BTS, available: 9_900n * BTS });

    await sim.processPending();
    expect(sent).toEqual([{ to: 'alice', amountSats: 95n * BTS, memo: 'interest c42 #1' }]);
    const done = await client.getWithdrawal(outcome.withdrawal.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.txId).toBe('tx1'.padEnd(40, '0'));
    expect(done.completedAt).not.toBeNull();
    // Driving again does not pay again.
    await sim.processPending();
    expect(sent).toHaveLength(1);
  });

  it('a failed chain send leaves it PENDING; the next processPending completes it', async () => {
    failSends = 1;
    const o = await withdraw(50n * BTS);
    if (o.kind !== 'created') throw new Error(`expected created, got ${o.kind}`);
    await sim.processPending();
    expect((await client.getWithdrawal(o.withdrawal.id)).status).toBe('PENDING');
    expect(sent).toHaveLength(0);
    await sim.processPending();
    expect((await client.getWithdrawal(o.withdrawal.id)).status).toBe('COMPLETED');
    expect(sent).toHaveLength(1);
  });

  it('duplicate clientWithdrawalId → duplicate with the existing id, no second debit', async () => {
    const id = randomUUID();
    const first = await withdraw(100n * BTS, id);
    if (first.kind !== 'created') throw new Error(`expected created, got ${first.kind}`);
    const again = await withdraw(100n * BTS, id);
    expect(again).toMatchObject({ kind: 'duplicate', withdrawalId: first.withdrawal.id, withdrawal: { id: first.withdrawal.id } });
    expect(sim.ledger(0)).toHaveLength(1);
    expect(sim.balance(0)).toBe(9_900n * BTS);
  });

  it('insufficient funds and too small → rejected; nothing created', async () => {
    expect(await withdraw(20_000n * BTS)).toEqual({ kind: 'rejected', code: 'INSUFFICIENT_FUNDS', httpStatus: 409 });
    expect(await withdraw(15n * BTS)).toMatchObject({ kind: 'rejected', code: 'WITHDRAWAL_TOO_SMALL' });
    expect((await withdraw(15n * BTS + 1n)).kind).toBe('created');
    sim.inject({ kind: 'insufficientFunds', account: 0, times: 1 });
    expect(await withdraw(100n * BTS)).toMatchObject({ kind: 'rejected', code: 'INSUFFICIENT_FUNDS' });
    expect(sim.ledger(0)).toHaveLength(1);
  });

  it('429 and 503 CURRENCY_OFFLINE → retryable, nothing created; then the same id succeeds', async () => {
    const id = randomUUID();
    sim.inject({ kind: 'status', status: 429, times: 1 });
    const throttled = await withdraw(100n * BTS, id);
    expect(throttled).toMatchObject({ kind: 'retryable', code: 'THROTTLED' });
    if (throttled.kind === 'retryable') {
      expect(throttled.retryAfterMs).toBeGreaterThan(0);
      expect(throttled.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    sim.setCurrencyOnline(false);
    expect(await withdraw(100n * BTS, id)).toMatchObject({ kind: 'retryable', code: 'CURRENCY_OFFLINE' });
    sim.setCurrencyOnline(true);
    sim.inject({ kind: 'status', status: 503, path: '/withdrawals', times: 1 });
    expect(await withdraw(100n * BTS, id)).toMatchObject({ kind: 'retryable', code: 'CURRENCY_OFFLINE' });
    expect(sim.ledger(0)).toHaveLength(0);
    expect((await withdraw(100n * BTS, id)).kind).toBe('created');
  });

  it('500 without a code → ambiguous', async () => {
    sim.inject({ kind: 'status', status: 500, times: 1 });
    expect(await withdraw(100n * BTS)).toMatchObject({ kind: 'ambiguous' });
  });

  it('dropAfterCommit → ambiguous; lookup finds it; re-POST with the same id is duplicate; exactly one withdrawal', async () => {
    const id = randomUUID();
    const sinceMs = Date.now() - 1_000;
    sim.inject({ kind: 'dropAfterCommit', times: 1 });
    const lost = await withdraw(100n * BTS, id);
    expect(lost.kind).toBe('ambiguous');

    const found = await client.findWithdrawalByClientId(id, { sinceMs });
    expect(found).not.toBeNull();
    expect(found).not.toBe('unknown');
    if (found === null || found === 'unknown') return;
    expect(found.clientWithdrawalId).toBe(id);

    const again = await withdraw(100n * BTS, id);
    expect(again).toMatchObject({ kind: 'duplicate', withdrawalId: found.id });
    expect(sim.ledger(0)).toHaveLength(1);
    expect(sim.balance(0)).toBe(9_900n * BTS);

    // Also found once completed (closed list).
    await sim.processPending();
    const closed = await client.findWithdrawalByClientId(id, { sinceMs });
    expect(closed).toMatchObject({ id: found.id, status: 'COMPLETED' });
  });

  it('findWithdrawalByClientId: null when absent, unknown when the lookup fails', async () => {
    expect(await client.findWithdrawalByClientId(randomUUID(), { sinceMs: Date.now() - 60_000 })).toBeNull();
    sim.inject({ kind: 'status', status: 500, path: '/withdrawals/open', times: 1 });
    expect(await client.findWithdrawalByClientId(randomUUID(), { sinceMs: Date.now() - 60_000 })).toBe('unknown');
  });

  it('hang beyond the client timeout → ambiguous (the request may still be processed)', async () => {
    const fast = createBittrexClient({ baseUrl: sim.url, ...creds, timeoutMs: 300 });
    sim.inject({ kind: 'hang', times: 1 });
    const hung = await fast.createWithdrawal({ quantity: 100n * BTS, cryptoAddress: 'alice', clientWithdrawalId: randomUUID() });
    expect(hung).toMatchObject({ kind: 'ambiguous' });

    // Latency beyond the timeout: the client gives up, the exchange commits later.
    const id = randomUUID();
    sim.inject({ kind: 'latency', ms: 800, times: 1 });
    const late = await fast.createWithdrawal({ quantity: 100n * BTS, cryptoAddress: 'alice', clientWithdrawalId: id });
    expect(late.kind).toBe('ambiguous');
    await expect.poll(() => sim.ledger(0).filter((w) => w.clientWithdrawalId === id).length, { timeout: 10_000 }).toBe(1);
    expect(await withdraw(100n * BTS, id)).toMatchObject({ kind: 'duplicate' });
  });

  it('connection refused → ambiguous for a withdrawal, EXCHANGE_UNAVAILABLE for a read', async () => {
    const url = sim.url;
    await sim.close();
    const dead = createBittrexClient({ baseUrl: url, ...creds, timeoutMs: 2_000 });
    expect((await dead.createWithdrawal({ quantity: 100n * BTS, cryptoAddress: 'alice', clientWithdrawalId: randomUUID() })).kind).toBe(
      'ambiguous',
    );
    const err = await dead.getBalance().catch((e: unknown) => e);
    expect(isError(err, 'EXCHANGE_UNAVAILABLE')).toBe(true);
  });

  it('cancel: only while REQUESTED/AUTHORIZED; refunds the quantity', async () => {
    const o = await withdraw(100n * BTS);
    if (o.kind !== 'created') throw new Error(`expected created, got ${o.kind}`);
    const cancelled = await client.cancelWithdrawal(o.withdrawal.id);
    expect(cancelled.status).toBe('CANCELLED');
    expect(sim.balance(0)).toBe(10_000n * BTS);
    await sim.processPending();
    expect(sent).toHaveLength(0);

    const p = await withdraw(100n * BTS);
    if (p.kind !== 'created') throw new Error(`expected created, got ${p.kind}`);
    await sim.processPending();
    const err = await client.cancelWithdrawal(p.withdrawal.id).catch((e: unknown) => e);
    expect(isError(err, 'EXCHANGE_REJECTED')).toBe(true);
    expect(err).toMatchObject({ bittrexCode: 'NOT_ALLOWED' });
  });

  it('an invalid BitShares account name ends in ERROR_INVALID_ADDRESS and is never sent', async () => {
    const o = await client.createWithdrawal({ quantity: 100n * BTS, cryptoAddress: 'Not An Account', clientWithdrawalId: randomUUID() });
    if (o.kind !== 'created') throw new Error(`expected created, got ${o.kind}`);
    await sim.processPending();
    expect(await client.getWithdrawal(o.withdrawal.id)).toMatchObject({
      status: 'ERROR_INVALID_ADDRESS',
      errorCode: 'ERROR_INVALID_ADDRESS',
    });
    expect(sent).toHaveLength(0);
    const open = await client.listOpenWithdrawals();
    expect(open.map((w) => w.id)).toEqual([o.withdrawal.id]);
  });
});

describe('Bittrex client ↔ simulator: closed withdrawals paging', () => {
  it('pages through every closed withdrawal once, completedAt descending', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const o = await withdraw(BigInt(20 + i) * BTS);
      if (o.kind !== 'created') throw new Error(`expected created, got ${o.kind}`);
      ids.push(o.withdrawal.id);
      await sim.processPending();
    }
    const seen: string[] = [];
    const pageLengths: number[] = [];
    let token: string | undefined;
    let last = Number.POSITIVE_INFINITY;
    for (;;) {
      const page = await client.listClosedWithdrawals({ pageSize: 3, ...(token === undefined ? {} : { nextPageToken: token }) });
      pageLengths.push(page.length);
      for (const w of page) {
        expect(w.completedAt).not.toBeNull();
        expect(w.completedAt as number).toBeLessThanOrEqual(last);
        last = w.completedAt as number;
        seen.push(w.id);
      }
      if (page.length < 3) break;
      token = page.at(-1)?.id;
    }
    expect(pageLengths).toEqual([3, 3, 1]);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(7);
    // The most recent completion comes first.
    expect(seen[0]).toBe(ids[6]);

    const err = await client.listClosedWithdrawals({ nextPageToken: randomUUID() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', bittrexCode: 'INVALID_NEXT_PAGE_TOKEN' });
    // startDate in the future filters everything out (sent at second precision).
    expect(await client.listClosedWithdrawals({ startDate: Date.now() + 3_600_500 })).toEqual([]);
  });
});
