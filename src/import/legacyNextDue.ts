import type { Terms } from '../config/configSchema.js';
import { contractSchedule } from '../domain/contractSchedule.js';

export type LegacyNextDue = {
  /** The first interest payment the desk will make, or null when the old bot paid them all. */
  nextInterest: { number: number; due: number } | null;
  /** Principal (and the end of the contract): start + months × 30 days. */
  principalDue: number;
};

/**
 * Where an imported legacy contract resumes (RULES.md "Legacy contracts", docs/import.md). The original bot paid
 * interest at the end of each calendar month until its v2.0, which moved every payment to 30-day steps from the
 * contract's start ("if you were paid early previously this may mean up to 59 days until next payout"). The same rule
 * here: `months_paid` counts the interest payments the old bot made, whatever calendar day it made them on; those are
 * interest 1..months_paid, and the next one is interest months_paid + 1, due start + (months_paid + 1) × 30 days. No
 * payment is moved to a month end, and none is added to make up for an early one. Read from the very rows the import
 * writes (contractSchedule), so the two cannot disagree.
 */
export function legacyNextDue(c: { start: number; months: number; monthsPaid: number }, terms: Terms): LegacyNextDue {
  const rows = contractSchedule({ amountBts: 0, months: c.months, start: c.start, monthsPaid: c.monthsPaid }, terms);
  const next = rows.find((r) => r.type === 'interest' && r.status === 'pending');
  const principal = rows.find((r) => r.type === 'principal');
  return {
    nextInterest: next ? { number: next.number, due: next.due } : null,
    principalDue: principal?.due ?? c.start + c.months * terms.monthMs,
  };
}
