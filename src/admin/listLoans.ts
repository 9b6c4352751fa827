import type { Database } from 'better-sqlite3';

export type LoanRow = { id: number; manager: string; amountSats: bigint; block: number | null; createdAt: number; sourceKey: string };
export type ManagerLoans = { manager: string; count: number; totalSats: bigint; loans: LoanRow[] };

/**
 * The loan ledger per manager (RULES.md `loan_to_broker`): every loan, oldest first, and each manager's total.
 * Read-only.
 */
export function listLoans(db: Database): ManagerLoans[] {
  const rows = db
    .prepare('SELECT id, source_key, manager, amount_sats, block, created_at FROM loans ORDER BY manager, id')
    .safeIntegers(true)
    .all() as Array<{ id: bigint; source_key: string; manager: string; amount_sats: bigint; block: bigint | null; created_at: bigint }>;
  const byManager = new Map<string, ManagerLoans>();
  for (const r of rows) {
    const entry = byManager.get(r.manager) ?? { manager: r.manager, count: 0, totalSats: 0n, loans: [] };
    entry.count++;
    entry.totalSats += r.amount_sats;
    entry.loans.push({
      id: Number(r.id),
      manager: r.manager,
      amountSats: r.amount_sats,
      block: r.block === null ? null : Number(r.block),
      createdAt: Number(r.created_at),
      sourceKey: r.source_key,
    });
    byManager.set(r.manager, entry);
  }
  return [...byManager.values()];
}
