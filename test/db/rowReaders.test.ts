import { describe, expect, it } from 'vitest';
import { readAttemptRow } from '../../src/db/payoutAttempts.js';
import { readPayoutRow } from '../../src/db/payouts.js';
import { isError } from '../../src/errors/BaseError.js';

const payout = {
  id: 7,
  uuid: 'u',
  source_key: 'refund:1:0:0',
  purpose: 'refund',
  contract_id: null,
  stake_id: null,
  recipient: 'alice',
  recipient_id: '1.2.9',
  amount_sats: 500_000,
  memo: 'm',
  state: 'pending',
  rail: null,
  external_id: null,
  attempts: 0,
  next_attempt_at: 0,
  last_error: null,
  created_at: 1,
  updated_at: 1,
  paid_at: null,
};
const attempt = {
  id: 3,
  payout_id: 7,
  attempt_no: 1,
  rail: 'broker',
  idem_key: 'k',
  request: '{}',
  tx_expiration: 1_700_000_000,
  state: 'intent',
  external_id: null,
  result: null,
  created_at: 1,
  updated_at: 1,
};

const corrupt = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return isError(err, 'DB_CORRUPT');
  }
  return false;
};

describe('typed row readers: a row is read once, and a row the schema would not write is refused', () => {
  it('passes rows as the schema writes them', () => {
    expect(readPayoutRow(payout)).toEqual(payout);
    expect(readAttemptRow(attempt)).toEqual(attempt);
  });

  it.each([
    ['an unknown state', { state: 'paid-ish' }],
    ['an unknown purpose', { purpose: 'gift' }],
    ['an amount past 2^53', { amount_sats: 2 ** 60 }],
    ['a zero amount', { amount_sats: 0 }],
    ['an amount as text', { amount_sats: '500000' }],
  ])('payouts: %s', (_what, change) => {
    expect(corrupt(() => readPayoutRow({ ...payout, ...change }))).toBe(true);
  });

  it.each([
    ['an unknown state', { state: 'sent' }],
    ['no idempotency key', { idem_key: null }],
    ['no request', { request: undefined }],
    ['a fractional expiration', { tx_expiration: 1.5 }],
  ])('payout_attempts: %s', (_what, change) => {
    expect(corrupt(() => readAttemptRow({ ...attempt, ...change }))).toBe(true);
  });
});
