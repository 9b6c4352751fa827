import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../src/exchange/bittrex/signRequest.js';
import { type BittrexSimulator, startBittrexSimulator } from '../../../src/sim/bittrex/index.js';
import { rawRequest, signedRaw } from './rawRequest.js';

const creds = { apiKey: 'sim-key-1', apiSecret: 'sim-secret-1' };
let sim: BittrexSimulator;

beforeAll(async () => {
  sim = await startBittrexSimulator({
    accounts: [{ ...creds, balanceSats: 123_456_789n, depositTag: 'memo-1' }],
    rateLimitPerMinute: 0,
  });
});
afterAll(() => sim.close());

describe('Bittrex simulator authentication (raw HTTP)', () => {
  it('accepts a correctly signed request and answers balances as decimal strings', async () => {
    const res = await signedRaw(`${sim.url}/balances/BTS`, creds);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body).toMatchObject({ currencySymbol: 'BTS', total: '1234.56789000', available: '1234.56789000' });
    expect(typeof body.updatedAt).toBe('string');
  });

  it('signs the query string as part of the URL', async () => {
    const res = await signedRaw(`${sim.url}/withdrawals/closed?pageSize=200&startDate=2015-01-01T00%3A00%3A00Z`, creds);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([]);
  });

  it('unknown key → 401 APIKEY_INVALID', async () => {
    const res = await signedRaw(`${sim.url}/balances`, { apiKey: 'nobody', apiSecret: creds.apiSecret });
    expect(res.status).toBe(401);
    expect(res.text).toBe('{"code":"APIKEY_INVALID"}');
  });

  it('stale timestamp (and seconds instead of ms) → 401 INVALID_TIMESTAMP', async () => {
    const stale = await signedRaw(`${sim.url}/balances`, creds, { timestampMs: Date.now() - 120_000 });
    expect(stale.status).toBe(401);
    expect(stale.text).toBe('{"code":"INVALID_TIMESTAMP"}');
    const seconds = await signedRaw(`${sim.url}/balances`, creds, { timestampMs: Math.floor(Date.now() / 1000) });
    expect(seconds.text).toBe('{"code":"INVALID_TIMESTAMP"}');
  });

  it('content hash over other bytes than sent → 401 INVALID_CONTENT_HASH', async () => {
    const url = `${sim.url}/withdrawals`;
    const sent = JSON.stringify({ currencySymbol: 'BTS', quantity: '100.00000', cryptoAddress: 'alice', clientWithdrawalId: randomUUID() });
    const reordered = JSON.stringify(JSON.parse(sent), ['quantity', 'currencySymbol', 'cryptoAddress', 'clientWithdrawalId']);
    const headers = signRequest({ ...creds, timestampMs: Date.now(), url, method: 'POST', body: reordered }) as Record<string, string>;
    const res = await rawRequest(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: sent });
    expect(res.status).toBe(401);
    expect(res.text).toBe('{"code":"INVALID_CONTENT_HASH"}');
    // A GET carrying the hash of a non-empty body is refused the same way.
    const getHeaders = signRequest({ ...creds, timestampMs: Date.now(), url: `${sim.url}/balances`, method: 'GET', body: '{}' }) as Record<
      string,
      string
    >;
    const get = await rawRequest(`${sim.url}/balances`, { headers: getHeaders });
    expect(get.text).toBe('{"code":"INVALID_CONTENT_HASH"}');
    expect(sim.ledger(0)).toHaveLength(0);
  });

  it('wrong secret, URL without query, lowercase method → 401 INVALID_SIGNATURE', async () => {
    const wrongSecret = await signedRaw(`${sim.url}/balances`, { apiKey: creds.apiKey, apiSecret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.text).toBe('{"code":"INVALID_SIGNATURE"}');

    const sentUrl = `${sim.url}/withdrawals/closed?pageSize=5`;
    const noQuery = signRequest({ ...creds, timestampMs: Date.now(), url: `${sim.url}/withdrawals/closed`, method: 'GET' }) as Record<
      string,
      string
    >;
    expect((await rawRequest(sentUrl, { headers: noQuery })).text).toBe('{"code":"INVALID_SIGNATURE"}');

    const ts = String(Date.now());
    const lower = signRequest({ ...creds, timestampMs: Number(ts), url: `${sim.url}/balances`, method: 'GET' }) as Record<string, string>;
    // Re-sign by hand with the method in lowercase, as a buggy client would.
    const { createHmac } = await import('node:crypto');
    lower['Api-Signature'] = createHmac('sha512', creds.apiSecret)
      .update(`${ts}${sim.url}/balancesget${lower['Api-Content-Hash']}`)
      .digest('hex');
    expect((await rawRequest(`${sim.url}/balances`, { headers: lower })).text).toBe('{"code":"INVALID_SIGNATURE"}');
  });

  it('public endpoints need no signature', async () => {
    const ping = await rawRequest(`${sim.url}/ping`);
    const { serverTime } = JSON.parse(ping.text) as { serverTime: number };
    expect(serverTime % 1000).toBe(0);
    const cur = await rawRequest(`${sim.url}/currencies/BTS`);
    expect(JSON.parse(cur.text)).toMatchObject({ symbol: 'BTS', status: 'ONLINE', txFee: '5.00000000' });
  });

  it('sub-second startDate → 400 BAD_REQUEST with the field message', async () => {
    const res = await signedRaw(`${sim.url}/withdrawals/closed?startDate=2024-01-01T00%3A00%3A00.500Z`, creds);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({
      code: 'BAD_REQUEST',
      detail: 'Refer to the data field for specific field validation failures.',
      data: { startDate: ['Precision beyond 1 second is not supported on this date field.'] },
    });
  });

  it('a float quantity is refused with BAD_REQUEST and nothing is debited', async () => {
    const body = JSON.stringify({ currencySymbol: 'BTS', quantity: 100.5, cryptoAddress: 'alice' });
    const res = await signedRaw(`${sim.url}/withdrawals`, creds, { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'BAD_REQUEST', data: { quantity: expect.any(Array) } });
    expect(sim.balance(0)).toBe(123_456_789n);
  });
});

describe('Bittrex simulator rate limit', () => {
  it('per key per minute: the call over budget gets 429 THROTTLED, public ping is not counted', async () => {
    // Pin the simulator clock 1 s into a minute so the whole test stays inside one rate window.
    const offset = Math.ceil(Date.now() / 60_000) * 60_000 + 1_000 - Date.now();
    const limited = await startBittrexSimulator({
      accounts: [
        { apiKey: 'a', apiSecret: 'sa', balanceSats: 0n, depositTag: 't1' },
        { apiKey: 'b', apiSecret: 'sb', balanceSats: 0n, depositTag: 't2' },
      ],
      rateLimitPerMinute: 3,
      now: () => Date.now() + offset,
    });
    try {
      const call = (apiKey: string, apiSecret: string) =>
        signedRaw(`${limited.url}/balances`, { apiKey, apiSecret }, { timestampMs: Date.now() + offset });
      for (let i = 0; i < 3; i++) expect((await call('a', 'sa')).status).toBe(200);
      await rawRequest(`${limited.url}/ping`);
      const over = await call('a', 'sa');
      expect(over.status).toBe(429);
      expect(over.text).toBe('{"code":"THROTTLED"}');
      // Another key has its own budget.
      expect((await call('b', 'sb')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
