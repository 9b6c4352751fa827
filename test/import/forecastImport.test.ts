import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { forecastImport } from '../../src/import/forecastImport.js';
import type { LegacyContract } from '../../src/import/parseLegacyStakes.js';

const terms = parseConfig({}).terms;
const DAY = 86_400_000;
const NOW = Date.UTC(2027, 0, 15, 12);
const contract = (user: string, start: number, amountBts: number, months: number, monthsPaid: number, line = 1): LegacyContract => ({
  line,
  user,
  start,
  amountBts,
  months,
  monthsPaid,
});

describe('import forecast: what falls due at once', () => {
  it('counts pending interest and principal due now and by the end of the first cycle, never penalties or paid rows', () => {
    const contracts = [
      // 95 days in, 1 paid: interest 2 (day 60), interest 3 and the principal (day 90) are all overdue: 2000 + 2000 + 25000.
      contract('alice', NOW - 95 * DAY, 25_000, 3, 1),
      // Interest 1 falls due 5 s from now: not at once, but within a 10 s cycle: 8 % of 50000 = 4000.
      contract('bob', NOW - 30 * DAY + 5_000, 50_000, 6, 0),
      // Every interest paid, maturity next month: nothing now.
      contract('carol', NOW - 330 * DAY, 100_000, 12, 12),
      // Exactly due now (at or before now counts): interest 1 of 200000 = 16000.
      contract('dave', NOW - 30 * DAY, 200_000, 3, 0),
    ];
    expect(forecastImport(contracts, terms, NOW, 10_000)).toEqual({
      dueNow: { rows: 4, bts: 2_000 + 2_000 + 25_000 + 16_000 },
      firstCycle: { rows: 5, bts: 2_000 + 2_000 + 25_000 + 16_000 + 4_000, by: NOW + 10_000 },
    });
  });

  it('is zero for contracts the old bot paid up to date', () => {
    expect(forecastImport([contract('erin', NOW - 45 * DAY, 25_000, 6, 1)], terms, NOW, 10_000)).toEqual({
      dueNow: { rows: 0, bts: 0 },
      firstCycle: { rows: 0, bts: 0, by: NOW + 10_000 },
    });
  });
});
