import type { Database } from 'better-sqlite3';

/** A manager's loan to the broker (RULES.md `loan_to_broker`), table loans. */
export type LoanRow = { id: number; sourceKey: string; manager: string; amountSats: bigint; block: number | null; createdAt: number };

export type NewLoan = { sourceKey: string; manager: string; managerId: string | null; amountSats: bigint; block: number | null };

/** Records a loan once per instruction (its source key); false when it was recorded already. */
export function insertLoan(db: Database, l: NewLoan, now = Date.now()): boolean {
  return (
    db
      .prepare(
        `INSERT INTO loans (source_key, manager, manager_id, amount_sats, block, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(l.sourceKey, l.manager, l.managerId, l.amountSats, l.block, now).changes === 1
  );
}

type RawLoan = { id: bigint; source_key: string; manager: string; amount_sats: bigint; block: bigint | null; created_at: bigint };

/** Every loan, by manager then age; amounts read as exact bigints. */
export function listLoanRows(db: Database): LoanRow[] {
  const rows = db
    .prepare('SELECT id, source_key, manager, amount_sats, block, created_at FROM loans ORDER BY manager, id')
    .safeIntegers(true)
    .all() as RawLoan[];
  return rows.map((r) => ({
    id: Number(r.id),
    sourceKey: r.source_key,
    manager: r.manager,
    amountSats: r.amount_sats,
    block: r.block === null ? null : Number(r.block),
    createdAt: Number(r.created_at),
  }));
}
