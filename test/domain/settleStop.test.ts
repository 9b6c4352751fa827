import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { invalidRefund } from '../../src/domain/invalidRefund.js';
import { settleStop } from '../../src/domain/settleStop.js';

const terms = parseConfig({}).terms;

describe('settleStop', () => {
  it('pays Σ(principal − penalty) plus everything sent with the stop', () => {
    const s = settleStop(
      [
        {
          contractId: 1,
          principal: { id: 11, amount: 100_000 },
          penalty: { id: 12, amount: 15_000 },
          pendingInterest: [{ id: 13 }, { id: 14 }],
        },
        { contractId: 2, principal: { id: 21, amount: 25_000 }, penalty: { id: 22, amount: 3_750 }, pendingInterest: [] },
      ],
      123_456n,
    );
    expect(s.payoutSats).toBe((85_000n + 21_250n) * 100_000n + 123_456n);
    expect(s.premature).toEqual([11, 21]);
    expect(s.penaltiesApplied).toEqual([12, 22]);
    expect(s.aborted).toEqual([13, 14]);
    expect(s.contractIds).toEqual([1, 2]);
  });
  it('settles nothing when nothing is open (only the stop amount comes back)', () => {
    expect(settleStop([], 5n).payoutSats).toBe(5n);
  });
});

describe('invalidRefund', () => {
  const cases: [string, bigint, number, bigint][] = [
    ['100 BTS → 50 back', 10_000_000n, 50, 5_000_000n],
    ['61 BTS → 11 back', 6_100_000n, 11, 5_000_000n],
    ['60 BTS → kept (10 is not more than 10)', 6_000_000n, 0, 6_000_000n],
    ['60.99999 BTS → kept, fraction never refunded', 6_099_999n, 0, 6_099_999n],
    ['61.5 BTS → 11 back, 50.5 kept', 6_150_000n, 11, 5_050_000n],
    ['25001 BTS → 24951 back', 2_500_100_000n, 24_951, 5_000_000n],
    ['0.00001 BTS → kept', 1n, 0, 1n],
  ];
  it.each(cases)('%s', (_n, amount, refund, kept) => {
    expect(invalidRefund(amount, terms)).toEqual({ refundBts: refund, keptSats: kept });
  });
});
