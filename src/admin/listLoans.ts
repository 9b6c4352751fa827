import type { Database } from 'better-sqlite3';
import { type LoanRow, listLoanRows } from '../db/loans.js';

export type { LoanRow } from '../db/loans.js';
export type ManagerLoans = { manager: string; count: number; totalSats: bigint; loans: LoanRow[] };

/**
 * The loan ledger per manager (RULES.md `loan_to_broker`): every loan, oldest first, and each manager's total.
 * Read-only.
 */
export function listLoans(db: Database): ManagerLoans[] {
  const byManager = new Map<string, ManagerLoans>();
  for (const loan of listLoanRows(db)) {
    const entry = byManager.get(loan.manager) ?? { manager: loan.manager, count: 0, totalSats: 0n, loans: [] };
    entry.count++;
    entry.totalSats += loan.amountSats;
    entry.loans.push(loan);
    byManager.set(loan.manager, entry);
  }
  return [...byManager.values()];
}
