import { describe, expect, it } from 'vitest';
import { classifyWithdrawalError } from '../../../src/exchange/bittrex/classifyWithdrawalError.js';

const NOW = Date.UTC(2024, 0, 1, 12, 0, 45); // 45 s into a minute

describe('classifyWithdrawalError (reference tables)', () => {
  const rows: Array<[number, string | undefined, string]> = [
    [409, 'INSUFFICIENT_FUNDS', 'rejected'],
    [400, 'WITHDRAWAL_TOO_SMALL', 'rejected'],
    [409, 'WHITELIST_VIOLATION_WITHDRAWAL_ADDRESS', 'rejected'],
    [401, 'APIKEY_INVALID', 'rejected'],
    [401, 'INVALID_SIGNATURE', 'rejected'],
    [401, 'INVALID_TIMESTAMP', 'rejected'],
    [401, 'INVALID_CONTENT_HASH', 'rejected'],
    [403, 'INVALID_PERMISSION', 'rejected'],
    [400, 'BAD_REQUEST', 'rejected'],
    [404, 'CURRENCY_DOES_NOT_EXIST', 'rejected'],
    [503, 'CURRENCY_OFFLINE', 'retryable'],
    [429, 'THROTTLED', 'retryable'],
    [429, undefined, 'retryable'],
    [500, undefined, 'ambiguous'],
    [502, undefined, 'ambiguous'],
    [503, undefined, 'ambiguous'],
    [409, 'SOMETHING_NEW', 'ambiguous'],
    [400, 'ORDER_ERROR_CONTACT_SUPPORT', 'ambiguous'],
    [409, 'CLIENTWITHDRAWALID_ALREADY_EXISTS', 'duplicate'],
  ];
  it.each(rows)('HTTP %i code %s → %s', (httpStatus, code, kind) => {
    expect(classifyWithdrawalError({ httpStatus, code, nowMs: NOW }).kind).toBe(kind);
  });

  it('429 waits until the start of the next minute', () => {
    const o = classifyWithdrawalError({ httpStatus: 429, code: 'THROTTLED', nowMs: NOW });
    expect(o).toEqual({ kind: 'retryable', code: 'THROTTLED', retryAfterMs: 15_000 });
  });

  it('duplicate reads the existing id from data, never our own clientWithdrawalId', () => {
    const ours = '11111111-2222-4333-8444-555555555555';
    const theirs = 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE';
    const o = classifyWithdrawalError({
      httpStatus: 409,
      code: 'CLIENTWITHDRAWALID_ALREADY_EXISTS',
      data: { clientWithdrawalId: ours, existing: { id: theirs } },
      nowMs: NOW,
    });
    expect(o).toEqual({ kind: 'duplicate', withdrawalId: theirs.toLowerCase() });
    expect(classifyWithdrawalError({ httpStatus: 409, code: 'CLIENTWITHDRAWALID_ALREADY_EXISTS', nowMs: NOW })).toEqual({
      kind: 'duplicate',
    });
  });

  it('rejected keeps the code and HTTP status', () => {
    expect(classifyWithdrawalError({ httpStatus: 409, code: 'INSUFFICIENT_FUNDS', nowMs: NOW })).toEqual({
      kind: 'rejected',
      code: 'INSUFFICIENT_FUNDS',
      httpStatus: 409,
    });
  });
});
