import { describe, expect, it } from 'vitest';
import { DEFAULT_AMOUNTS, MONTH_MS, parseConfig } from '../../src/config/index.js';
import { contractSchedule } from '../../src/domain/contractSchedule.js';

const terms = parseConfig({}).terms;
const START = Date.UTC(2026, 0, 15, 10, 30, 0);
const TERMS = [
  ['three_months', 3],
  ['six_months', 6],
  ['twelve_months', 12],
] as const;

describe('contractSchedule: every allowed amount × every term', () => {
  it('uses the RULES.md defaults', () => {
    expect(terms.amounts).toEqual([25000, 50000, 100000, 200000, 250000, 500000, 1000000, 2500000, 5000000, 10000000]);
    expect(terms.monthMs).toBe(2_592_000_000);
    expect([terms.interestBps, terms.penaltyBps, terms.receiptAmount]).toEqual([800, 1500, 1]);
  });
  for (const amount of DEFAULT_AMOUNTS) {
    for (const [name, months] of TERMS) {
      it(`${amount} BTS, ${name}`, () => {
        const rows = contractSchedule({ amountBts: amount, months, start: START }, terms);
        // Exact figures written out independently of the implementation: 8 % and 15 % are exact for every allowed amount.
        const interest = (amount / 100) * 8;
        const penalty = (amount / 100) * 15;
        const maturity = START + months * MONTH_MS;
        expect(rows).toEqual([
          { type: `contract_${months}`, amount: 1, due: START, number: 0, status: 'pending' },
          { type: 'principal', amount, due: maturity, number: 0, status: 'pending' },
          { type: 'penalty', amount: penalty, due: maturity, number: 0, status: 'pending' },
          ...Array.from({ length: months }, (_, i) => ({
            type: 'interest',
            amount: interest,
            due: START + (i + 1) * 2_592_000_000,
            number: i + 1,
            status: 'pending',
          })),
        ]);
        expect(rows).toHaveLength(3 + months);
        const totalInterest = rows.filter((r) => r.type === 'interest').reduce((s, r) => s + r.amount, 0);
        expect(totalInterest).toBe(amount * 0.08 * months);
      });
    }
  }
  it('rounds interest and penalty down for amounts that are not multiples of 100', () => {
    const custom = parseConfig({ terms: { amounts: [12_345] } }).terms;
    const rows = contractSchedule({ amountBts: 12_345, months: 3, start: 0 }, custom);
    expect(rows.find((r) => r.type === 'interest')?.amount).toBe(987); // 987.6
    expect(rows.find((r) => r.type === 'penalty')?.amount).toBe(1851); // 1851.75
  });
  it('follows configured rates and month length', () => {
    const custom = parseConfig({ terms: { interestBps: 100, penaltyBps: 2000, monthMs: 1000 } }).terms;
    const rows = contractSchedule({ amountBts: 50_000, months: 3, start: 10 }, custom);
    expect(rows.map((r) => [r.type, r.amount, r.due])).toEqual([
      ['contract_3', 1, 10],
      ['principal', 50_000, 3010],
      ['penalty', 10_000, 3010],
      ['interest', 500, 1010],
      ['interest', 500, 2010],
      ['interest', 500, 3010],
    ]);
  });
  it('marks the contract row and the first months_paid interest rows paid for a legacy import', () => {
    const rows = contractSchedule({ amountBts: 200_000, months: 12, start: START, monthsPaid: 5 }, terms);
    expect(rows.filter((r) => r.status === 'paid').map((r) => `${r.type}${r.number}`)).toEqual([
      'contract_120',
      'interest1',
      'interest2',
      'interest3',
      'interest4',
      'interest5',
    ]);
  });
});
