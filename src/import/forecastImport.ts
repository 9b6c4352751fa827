import type { Terms } from '../config/configSchema.js';
import { contractSchedule } from '../domain/contractSchedule.js';
import type { LegacyContract } from './parseLegacyStakes.js';

export type DueTotal = { rows: number; bts: number };

export type ImportForecast = {
  /** Payments (interest, principal) already due when the import runs: the daemon sends them as soon as it starts. */
  dueNow: DueTotal;
  /** Payments due by the end of the first payout cycle after the import (now + payout.cycleMs). */
  firstCycle: DueTotal & { by: number };
};

/**
 * What the imported contracts will ask of the broker at once: the pending interest and principal rows (the rows the
 * import writes, contractSchedule) due at or before `nowMs`, and those due by `nowMs + cycleMs`. Penalty rows are
 * not payments (they are aborted at maturity) and rows the old bot paid are not counted. Whole BTS, exact integers.
 */
export function forecastImport(contracts: readonly LegacyContract[], terms: Terms, nowMs: number, cycleMs: number): ImportForecast {
  const by = nowMs + cycleMs;
  const dueNow: DueTotal = { rows: 0, bts: 0 };
  const firstCycle: DueTotal = { rows: 0, bts: 0 };
  for (const c of contracts) {
    const rows = contractSchedule({ amountBts: c.amountBts, months: c.months, start: c.start, monthsPaid: c.monthsPaid }, terms);
    for (const r of rows) {
      if (r.status !== 'pending' || (r.type !== 'interest' && r.type !== 'principal')) continue;
      if (r.due <= nowMs) {
        dueNow.rows++;
        dueNow.bts += r.amount;
      }
      if (r.due <= by) {
        firstCycle.rows++;
        firstCycle.bts += r.amount;
      }
    }
  }
  return { dueNow, firstCycle: { ...firstCycle, by } };
}
