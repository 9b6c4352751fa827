import { describe, expect, it } from 'vitest';
import { type BittrexClient, createBittrexClient } from '../../../../src/exchange/bittrex/index.js';
import { classifyWithdrawalResponse } from '../../../../src/payout/rails/bittrex/classifyWithdrawalResponse.js';
import { Secret } from '../../../../src/wallet/Secret.js';

const KEY = '0b7c1e6e-3f0a-4c8e-9d55-2b8f1a2c3d4e';
const OTHER = 'c3a1f0e2-1111-4222-8333-944455566677';
const withdrawal = (clientWithdrawalId: string) => ({
  id: OTHER,
  currencySymbol: 'BTS',
  quantity: '5005.00000',
  cryptoAddress: 'alice',
  status: 'REQUESTED',
  createdAt: '2026-01-01T00:00:00Z',
  clientWithdrawalId,
});
/** The parent's real client; nothing listens at its URL, so a duplicate's record lookup fails (best effort). */
const client: BittrexClient = createBittrexClient({
  baseUrl: 'http://127.0.0.1:9/v3',
  apiKey: new Secret('k'),
  apiSecret: new Secret('s'),
  timeoutMs: 500,
});
const res = (status: number, body: unknown, retryAfter?: string) =>
  ({ kind: 'response', status, text: JSON.stringify(body), ...(retryAfter ? { retryAfter } : {}) }) as const;

describe('classifying the raw answer a worker got (parent side)', () => {
  it('2xx with our key is created; with another key, or unreadable, it is ambiguous', async () => {
    expect(await classifyWithdrawalResponse(client, res(201, withdrawal(KEY)), KEY)).toMatchObject({
      kind: 'created',
      withdrawal: { id: OTHER },
    });
    expect((await classifyWithdrawalResponse(client, res(201, withdrawal(OTHER)), KEY)).kind).toBe('ambiguous');
    expect((await classifyWithdrawalResponse(client, { kind: 'response', status: 201, text: 'not json' }, KEY)).kind).toBe('ambiguous');
  });

  it('duplicate continues as created with the existing record; definite and retryable codes as the client classifies them', async () => {
    const dup = await classifyWithdrawalResponse(
      client,
      res(409, { code: 'CLIENTWITHDRAWALID_ALREADY_EXISTS', data: { withdrawalId: OTHER } }),
      KEY,
    );
    expect(dup).toMatchObject({ kind: 'duplicate', withdrawalId: OTHER });
    expect(await classifyWithdrawalResponse(client, res(409, { code: 'INSUFFICIENT_FUNDS' }), KEY)).toEqual({
      kind: 'rejected',
      code: 'INSUFFICIENT_FUNDS',
      httpStatus: 409,
    });
    const throttled = await classifyWithdrawalResponse(client, res(429, { code: 'THROTTLED' }, '90'), KEY);
    expect(throttled).toMatchObject({ kind: 'retryable', code: 'THROTTLED' });
    expect((throttled as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(90_000);
  });

  it('no answer, a 5xx without a code or an unknown code is ambiguous', async () => {
    expect(await classifyWithdrawalResponse(client, { kind: 'network', networkCode: 'ECONNRESET', timedOut: false }, KEY)).toEqual({
      kind: 'ambiguous',
      reason: 'no answer (ECONNRESET)',
    });
    expect((await classifyWithdrawalResponse(client, { kind: 'response', status: 502, text: '' }, KEY)).kind).toBe('ambiguous');
    expect((await classifyWithdrawalResponse(client, res(400, { code: 'SOMETHING_NEW' }), KEY)).kind).toBe('ambiguous');
  });
});
