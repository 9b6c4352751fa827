import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBittrexClient } from '../../../src/exchange/bittrex/index.js';
import { createFaultBook } from '../../../src/sim/bittrex/createFaultBook.js';
import { type BittrexSimulator, startBittrexSimulator } from '../../../src/sim/bittrex/index.js';
import { Secret } from '../../../src/wallet/Secret.js';

const BTS = 100_000n;
const plainCreds = { apiKey: 'life-key', apiSecret: 'life-secret' };
const creds = { apiKey: new Secret(plainCreds.apiKey), apiSecret: new Secret(plainCreds.apiSecret) };
let sim: BittrexSimulator | undefined;
afterEach(() => sim?.close());

describe('Bittrex simulator lifecycle', () => {
  it('completeAfterMs: a timer moves withdrawals to COMPLETED and pays on chain once', async () => {
    const sent: bigint[] = [];
    sim = await startBittrexSimulator({
      accounts: [{ ...plainCreds, balanceSats: 1_000n * BTS, depositTag: 't' }],
      rateLimitPerMinute: 0,
      completeAfterMs: 150,
      txFeeSats: 2n * BTS,
      sendOnChain: async (w) => {
        sent.push(w.amountSats);
        return { txId: randomBytes(20).toString('hex') };
      },
    });
    const client = createBittrexClient({ baseUrl: sim.url, ...creds });
    const o = await client.createWithdrawal({ quantity: 10n * BTS, cryptoAddress: 'bob', clientWithdrawalId: randomUUID() });
    if (o.kind !== 'created') throw new Error(`expected created, got ${o.kind}`);
    expect(o.withdrawal.txCost).toBe(2n * BTS);
    await expect
      .poll(async () => (await client.getWithdrawal(o.withdrawal.id)).status, { timeout: 10_000, interval: 50 })
      .toBe('COMPLETED');
    // Give the timer a few more rounds: it must not pay again.
    await sim.processPending();
    expect(sent).toEqual([8n * BTS]);
    const txId = sim.ledger(0)[0]?.txId;
    expect(txId).toMatch(/^[0-9a-f]{40}$/);
    expect((await client.getWithdrawal(o.withdrawal.id)).txId).toBe(txId);
  });

  it('concurrent POSTs with one clientWithdrawalId create exactly one withdrawal', async () => {
    sim = await startBittrexSimulator({ accounts: [{ ...plainCreds, balanceSats: 1_000n * BTS, depositTag: 't' }], rateLimitPerMinute: 0 });
    const client = createBittrexClient({ baseUrl: sim.url, ...creds });
    const id = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => client.createWithdrawal({ quantity: 100n * BTS, cryptoAddress: 'bob', clientWithdrawalId: id })),
    );
    const kinds = outcomes.map((o) => o.kind).sort();
    expect(kinds.filter((k) => k === 'created')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'duplicate')).toHaveLength(7);
    expect(sim.ledger(0)).toHaveLength(1);
    expect(sim.balance(0)).toBe(900n * BTS);
  });

  it('clientWithdrawalId is unique per account only (the same id on another account is a new withdrawal)', async () => {
    sim = await startBittrexSimulator({
      accounts: [
        { ...plainCreds, balanceSats: 1_000n * BTS, depositTag: 't1' },
        { apiKey: 'k2', apiSecret: 's2', balanceSats: 1_000n * BTS, depositTag: 't2' },
      ],
      rateLimitPerMinute: 0,
    });
    const id = randomUUID();
    const a = createBittrexClient({ baseUrl: sim.url, ...creds });
    const b = createBittrexClient({ baseUrl: sim.url, apiKey: new Secret('k2'), apiSecret: new Secret('s2') });
    expect((await a.createWithdrawal({ quantity: 100n * BTS, cryptoAddress: 'bob', clientWithdrawalId: id })).kind).toBe('created');
    expect((await b.createWithdrawal({ quantity: 100n * BTS, cryptoAddress: 'bob', clientWithdrawalId: id })).kind).toBe('created');
    expect(sim.ledger(0)).toHaveLength(1);
    expect(sim.ledger(1)).toHaveLength(1);
  });

  it('fault probabilities replay identically for one seed', () => {
    const run = (seed: number) => {
      const book = createFaultBook(seed);
      book.inject({ kind: 'status', status: 500, probability: 0.5 });
      return Array.from({ length: 64 }, () => (book.take('status', { method: 'GET', path: '/balances' }) ? 1 : 0)).join('');
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
    const fired = [...run(7)].filter((c) => c === '1').length;
    expect(fired).toBeGreaterThan(10);
    expect(fired).toBeLessThan(54);
  });

  it('status faults honour path and times', () => {
    const book = createFaultBook(1);
    book.inject({ kind: 'status', status: 503, path: '/withdrawals', times: 2 });
    expect(book.take('status', { method: 'GET', path: '/balances' })).toBeUndefined();
    expect(book.take('status', { method: 'POST', path: '/withdrawals' })).toBeDefined();
    expect(book.take('status', { method: 'GET', path: '/withdrawals/open' })).toBeDefined();
    expect(book.take('status', { method: 'POST', path: '/withdrawals' })).toBeUndefined();
  });
});
