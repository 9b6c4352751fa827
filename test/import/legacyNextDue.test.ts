import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { legacyNextDue } from '../../src/import/legacyNextDue.js';
import table from '../fixtures/legacyNextDue.json' with { type: 'json' };

const terms = parseConfig({}).terms;
const DAY = 86_400_000;

type Row = {
  name: string;
  start: string;
  months: number;
  monthsPaid: number;
  nextInterest: number | null;
  nextDue: string | null;
  principalDue: string;
  oldBotLastPaid?: string;
  daysFromOldBotLastPayment?: number;
  why: string;
};

/**
 * The original bot's v2.0 transition rule (docs/import.md): `months_paid` interest payments were made (by calendar
 * month); the next is interest months_paid + 1 at start + (months_paid + 1) × 30 days. Dates in the table were worked
 * out by calendar, independently of the code.
 */
describe('legacy months_paid → next due date', () => {
  it.each(table as Row[])('$name: $why', (row) => {
    const start = Date.parse(row.start);
    const next = legacyNextDue({ start, months: row.months, monthsPaid: row.monthsPaid }, terms);
    expect(next.nextInterest).toEqual(row.nextInterest === null ? null : { number: row.nextInterest, due: Date.parse(row.nextDue!) });
    expect(new Date(next.principalDue).toISOString()).toBe(row.principalDue);
    if (row.oldBotLastPaid !== undefined) {
      expect((next.nextInterest!.due - Date.parse(row.oldBotLastPaid)) / DAY).toBe(row.daysFromOldBotLastPayment);
    }
  });

  it('never waits more than 59 days after an old end-of-month payment made at least a day into its month', () => {
    // The worst case of the changelog's sentence, over every start time of a month in 2021: a payment made at the
    // month end, at least one day after the start (the old bot paid the contract's first month at that month's end).
    let worst = 0;
    for (let t = Date.UTC(2021, 5, 1); t < Date.UTC(2021, 6, 1); t += 3_600_000) {
      const monthEnd = Date.UTC(2021, 6, 0); // 30 June 2021, 00:00 UTC
      if (monthEnd - t < DAY) continue;
      const next = legacyNextDue({ start: t, months: 3, monthsPaid: 1 }, terms);
      worst = Math.max(worst, (next.nextInterest!.due - monthEnd) / DAY);
    }
    expect(worst).toBeLessThanOrEqual(59);
    expect(worst).toBeGreaterThan(58);
  });
});
