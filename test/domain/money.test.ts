import { describe, expect, it } from 'vitest';
import { applyBps, formatBts, parseDecimalBts, parseSats, satsToWholeBts } from '../../src/domain/money.js';

describe('money', () => {
  it('parses node integers as numbers or strings, refusing fractions', () => {
    expect(parseSats(12_345)).toBe(12_345n);
    expect(parseSats('100000000000')).toBe(100_000_000_000n);
    expect(parseSats('18446744073709551615')).toBe(18_446_744_073_709_551_615n);
    expect(() => parseSats(1.5)).toThrow(/not a safe integer/);
    expect(() => parseSats('1e5')).toThrow(/not an integer/);
    expect(() => parseSats(2 ** 53)).toThrow();
  });
  it('formats and parses decimal BTS exactly', () => {
    expect(formatBts(123_456_789n)).toBe('1234.56789');
    expect(formatBts(-5n)).toBe('-0.00005');
    expect(parseDecimalBts('21.72840348', { truncate: true })).toBe(2_172_840n);
    expect(parseDecimalBts('2.67000000')).toBe(267_000n);
    expect(() => parseDecimalBts('0.000001')).toThrow(/decimals/);
    expect(() => parseDecimalBts('1,5')).toThrow();
    expect(satsToWholeBts(2_500_099_999n)).toBe(25_000n);
  });
  it('applies basis points rounding down', () => {
    expect(applyBps(12_345n, 800)).toBe(987n);
    expect(applyBps(10_000_000n, 1_500)).toBe(1_500_000n);
  });
});
