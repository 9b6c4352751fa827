import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { type ClassifyContext, classifyTransfer } from '../../src/domain/classifyTransfer.js';
import { parseMemo } from '../../src/domain/parseMemo.js';

const terms = parseConfig({}).terms;
const T0 = Date.UTC(2026, 5, 1);
const BTS = (n: number) => BigInt(n) * 100_000n;
/** BTS's max supply on mainnet, satoshis. */
const MAX_SUPPLY = 360_057_050_210_207n;

function classify(amountSats: bigint, memo: string | null | 'UNDECRYPTABLE', ctx: Partial<ClassifyContext> = {}, assetId = '1.3.0') {
  return classifyTransfer(
    { amountSats, assetId, blockTime: T0 },
    {
      terms,
      memo: memo === 'UNDECRYPTABLE' ? { kind: 'undecryptable' } : parseMemo(memo),
      senderIsManager: false,
      senderIsFundingAccount: false,
      senderOpenContracts: 0,
      now: T0,
      maxSupplySats: MAX_SUPPLY,
      ...ctx,
    },
  );
}

describe('classifyTransfer', () => {
  it('1. a non-BTS asset is unsupported whatever the memo', () => {
    expect(classify(BTS(25_000), '{"type":"six_months"}', {}, '1.3.121')).toEqual({ action: 'unsupported_asset' });
    expect(classify(1n, null, { senderIsFundingAccount: true }, '1.3.1')).toEqual({ action: 'unsupported_asset' });
  });
  it('2. funding memo or funding sender is funding, never refunded', () => {
    expect(classify(BTS(1234), 'funding')).toEqual({ action: 'funding' });
    expect(classify(BTS(1234), 'garbage', { senderIsFundingAccount: true })).toEqual({ action: 'funding' });
    expect(classify(BTS(1234), 'UNDECRYPTABLE', { senderIsFundingAccount: true })).toEqual({ action: 'funding' });
  });
  it.each([
    ['three_months', 3],
    ['six_months', 6],
    ['twelve_months', 12],
  ] as const)('3. %s with an allowed amount opens a contract', (type, months) => {
    for (const amount of terms.amounts) {
      expect(classify(BTS(amount), `{"type":"${type}"}`)).toEqual({
        action: 'new_contract',
        type,
        months,
        amountBts: amount,
        fractionSats: 0n,
      });
    }
  });
  it('3. keeps the sub-BTS fraction with the broker (25000.9 BTS is a 25000 stake)', () => {
    expect(classify(2_500_090_000n, 'six_months')).toMatchObject({ action: 'new_contract', amountBts: 25_000, fractionSats: 90_000n });
  });
  it('3. an amount not in the list is invalid and refunded minus the fee', () => {
    expect(classify(BTS(25_001), 'six_months')).toEqual({
      action: 'invalid',
      reason: 'amount_not_allowed',
      refundBts: 24_951,
      keptSats: BTS(50),
    });
    expect(classify(BTS(24_999), 'six_months')).toMatchObject({ action: 'invalid', reason: 'amount_not_allowed' });
  });
  it('4. stop with open contracts settles; without is invalid', () => {
    expect(classify(BTS(1), 'stop', { senderOpenContracts: 2 })).toEqual({ action: 'stop' });
    expect(classify(BTS(100), 'stop')).toEqual({
      action: 'invalid',
      reason: 'stop_without_open_contract',
      refundBts: 50,
      keptSats: BTS(50),
    });
  });
  it('5. manager types from a manager are admin actions', () => {
    expect(classify(BTS(1), '{"type":"bittrex_to_broker","amount":500,"account":2}', { senderIsManager: true })).toEqual({
      action: 'admin',
      type: 'bittrex_to_broker',
      amountBts: 500,
      account: 2,
    });
    expect(classify(BTS(1000), '{"type":"loan_to_bmg"}', { senderIsManager: true })).toEqual({
      action: 'admin',
      type: 'loan_to_broker',
      amountBts: null,
      account: null,
    });
  });
  it('5. admin below the minimum or with a bad account is invalid', () => {
    expect(classify(BTS(100), '{"type":"bittrex_to_broker","amount":399,"account":2}', { senderIsManager: true })).toMatchObject({
      action: 'invalid',
      reason: 'admin_bad_amount',
    });
    expect(classify(BTS(100), '{"type":"broker_to_bittrex","amount":400,"account":4}', { senderIsManager: true })).toMatchObject({
      action: 'invalid',
      reason: 'admin_bad_account',
    });
  });
  it('5. an admin amount above the asset max supply is invalid (capped, never an int64 overflow)', () => {
    const ask = (amount: string) =>
      classify(BTS(500), `{"type":"bittrex_to_broker","amount":${amount},"account":1}`, { senderIsManager: true });
    expect(ask('3600570502')).toMatchObject({ action: 'admin', amountBts: 3_600_570_502 });
    expect(ask('3600570503')).toMatchObject({ action: 'invalid', reason: 'admin_bad_amount' });
    expect(ask('"999999999999999"')).toMatchObject({ action: 'invalid', reason: 'admin_bad_amount' });
  });
  it('5. an admin instruction older than the limit when processed is expired, not executed', () => {
    const memo = '{"type":"bittrex_to_broker","amount":500,"account":1}';
    expect(classify(BTS(1), memo, { senderIsManager: true, now: T0 + 3_600_000 })).toMatchObject({ action: 'admin' });
    expect(classify(BTS(1), memo, { senderIsManager: true, now: T0 + 3_600_001 })).toEqual({
      action: 'admin_expired',
      type: 'bittrex_to_broker',
      amountBts: 500,
      account: 1,
    });
  });
  it('6. a manager type from a stranger is invalid', () => {
    expect(classify(BTS(500), '{"type":"bittrex_to_broker","amount":500,"account":1}')).toEqual({
      action: 'invalid',
      reason: 'manager_type_from_non_manager',
      refundBts: 450,
      keptSats: BTS(50),
    });
  });
  it.each([
    [null, 'no_memo'],
    ['hello there!', 'memo_not_understood'],
    ['{"type":"forever"}', 'memo_unknown_type'],
    ['UNDECRYPTABLE', 'memo_undecryptable'],
  ] as const)('6. memo %s is invalid (%s)', (memo, reason) => {
    expect(classify(BTS(25_000), memo)).toEqual({ action: 'invalid', reason, refundBts: 24_950, keptSats: BTS(50) });
  });
  it('6. a small invalid transfer is kept without refund', () => {
    expect(classify(BTS(60), 'hello there!')).toEqual({
      action: 'invalid',
      reason: 'memo_not_understood',
      refundBts: 0,
      keptSats: BTS(60),
    });
  });
});
