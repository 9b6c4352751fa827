import type { Database } from 'better-sqlite3';
import type { DueRow } from '../domain/settleDue.js';
import { cached } from './statementCache.js';

/** A due row with the contract's payee, as the ledger needs it to queue the payment. */
export type DueStakeRow = DueRow & { user: string; userId: string | null; contractKey: string };

/**
 * Rows of every contract that has something to settle at chain time `at`: an `interest` / `principal` row due and not
 * yet handed to a payment, or a pending `penalty` at or past maturity. All interest / principal / penalty rows of those
 * contracts are returned (any status), so the domain rule can see whether the contract matured or was stopped.
 * Uses the partial index on pending rows by due time: once caught up, only a handful of rows are read per block.
 */
export function dueRowsAt(db: Database, at: number): DueStakeRow[] {
  const rows = cached(
    db,
    `SELECT s.id, s.contract_id, s.type, s.number, s.amount, s.due, s.status, c.user, c.user_id, c.source_key,
              EXISTS (SELECT 1 FROM payouts p WHERE p.stake_id = s.id) AS in_payment
         FROM stakes s JOIN contracts c ON c.id = s.contract_id
        WHERE s.type IN ('interest', 'principal', 'penalty')
          AND s.contract_id IN (
            SELECT d.contract_id FROM stakes d
             WHERE d.status = 'pending' AND d.due <= @at
               AND (d.type = 'penalty'
                    OR (d.type IN ('interest', 'principal') AND NOT EXISTS (SELECT 1 FROM payouts q WHERE q.stake_id = d.id))))
        ORDER BY s.due, s.id`,
  ).all({ at }) as Array<{
    id: number;
    contract_id: number;
    type: string;
    number: number;
    amount: number;
    due: number;
    status: DueRow['status'];
    user: string;
    user_id: string | null;
    source_key: string;
    in_payment: number;
  }>;
  return rows.map((r) => ({
    id: r.id,
    contractId: r.contract_id,
    type: r.type,
    number: r.number,
    amount: r.amount,
    due: r.due,
    status: r.status,
    inPayment: r.in_payment === 1,
    user: r.user,
    userId: r.user_id,
    contractKey: r.source_key,
  }));
}

/** Rows due at or before `at` (interest, principal, contract receipts) whose payment is not paid yet. */
export function dueRowsUnpaid(db: Database, at: number): number {
  return (
    cached(
      db,
      `SELECT count(*) AS n FROM stakes s WHERE s.status = 'pending' AND s.type IN ('interest', 'principal', 'contract_3', 'contract_6', 'contract_12')
           AND s.due <= ? AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.stake_id = s.id AND p.state = 'paid')`,
    ).get(at) as { n: number }
  ).n;
}

/** The contract receipt row (`contract_N`, number 0) of a contract: what its 1 BTS receipt payment pays. */
export function contractReceiptRow(db: Database, contractId: number): { id: number; type: string } {
  const row = cached(db, `SELECT id, type FROM stakes WHERE contract_id = ? AND number = 0 AND type LIKE 'contract_%'`).get(contractId) as
    | { id: number; type: string }
    | undefined;
  if (!row) throw new Error(`contract ${contractId} has no contract receipt row`);
  return { id: row.id, type: row.type };
}
