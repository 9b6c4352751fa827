import type { Terms } from '../config/configSchema.js';
import { applyBps } from './money.js';

export type ScheduleRow = {
  type: string;
  amount: number;
  due: number;
  number: number;
  status: 'pending' | 'paid';
};

export type ContractScheduleInput = {
  amountBts: number;
  months: number;
  start: number;
  /** Interest rows already paid (legacy import): 1..monthsPaid are `paid`, as is the contract row. */
  monthsPaid?: number;
};

/**
 * Every row a contract may ever owe (RULES.md "New contract"): the contract receipt, principal and penalty at
 * maturity, and one interest row per month. Amounts in whole BTS, rounded down, exact integers.
 */
export function contractSchedule(input: ContractScheduleInput, terms: Terms): ScheduleRow[] {
  const { amountBts, months, start } = input;
  const imported = input.monthsPaid !== undefined;
  const monthsPaid = input.monthsPaid ?? 0;
  const amount = BigInt(amountBts);
  const maturity = start + months * terms.monthMs;
  const rows: ScheduleRow[] = [
    { type: `contract_${months}`, amount: terms.receiptAmount, due: start, number: 0, status: imported ? 'paid' : 'pending' },
    { type: 'principal', amount: amountBts, due: maturity, number: 0, status: 'pending' },
    { type: 'penalty', amount: Number(applyBps(amount, terms.penaltyBps)), due: maturity, number: 0, status: 'pending' },
  ];
  const interest = Number(applyBps(amount, terms.interestBps));
  for (let k = 1; k <= months; k++) {
    rows.push({
      type: 'interest',
      amount: interest,
      due: start + k * terms.monthMs,
      number: k,
      status: k <= monthsPaid ? 'paid' : 'pending',
    });
  }
  return rows;
}
