import { describe, expect, it } from 'vitest';
import { assetText, groupedBts } from '../../src/audit/formatAmount.js';

describe('amounts for people, exact (no float)', () => {
  it.each([
    [125_000n, { symbol: 'USD', precision: 4 }, '12.5 USD'],
    [777n, { symbol: 'USD', precision: 4 }, '0.0777 USD'],
    [123_456_789_000n, { symbol: 'CNY', precision: 4 }, '12,345,678.9 CNY'],
    [5n, { symbol: 'GOLD', precision: 0 }, '5 GOLD'],
    [1n, { symbol: 'BTC', precision: 8 }, '0.00000001 BTC'],
    [-250_000n, { symbol: 'USD', precision: 4 }, '-25 USD'],
    // 2^63 − 1 units: beyond a double's integers, still exact.
    [9_223_372_036_854_775_807n, { symbol: 'X', precision: 5 }, '92,233,720,368,547.75807 X'],
  ])('%s units with %o read %s', (units, asset, text) => {
    expect(assetText(units, '1.3.121', asset)).toBe(text);
  });

  it('without the asset’s facts: the raw units and the id, never a guessed precision', () => {
    expect(assetText('777', '1.3.121', null)).toBe('777 of 1.3.121 (precision unknown)');
    expect(assetText(777n, '1.3.9', undefined)).toBe('777 of 1.3.9 (precision unknown)');
  });

  it('BTS groups thousands and drops trailing zero decimals', () => {
    expect([groupedBts(2_135_100_000n), groupedBts(123_450_000n), groupedBts(1n)]).toEqual(['21,351', '1,234.5', '0.00001']);
  });
});
