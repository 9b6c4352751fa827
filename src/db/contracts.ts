import type { Database } from 'better-sqlite3';
import type { ScheduleRow } from '../domain/contractSchedule.js';
import type { OpenContractRows } from '../domain/settleStop.js';
import { cached } from './statementCache.js';

export type NewContract = {
  sourceKey: string;
  user: string;
  userId: string | null;
  amountBts: number;
  months: number;
  start: number;
  block: number;
  trxInBlock: number | null;
  opInTrx: number | null;
  origin: 'chain' | 'import';
};

export type StakeRow = {
  id: number;
  contract_id: number;
  user: string;
  token: string;
  amount: number;
  type: string;
  start: number;
  due: number;
  processed: number | null;
  status: 'pending' | 'paid' | 'aborted' | 'premature';
  block: number;
  trx_in_block: number | null;
  op_in_trx: number | null;
  number: number;
};

/**
 * Inserts a contract and all its schedule rows at once. Idempotent on `sourceKey`: a replay returns null and writes nothing.
 * Rows already `paid` at creation (legacy import) get `processed = due`.
 */
export function insertContract(db: Database, c: NewContract, rows: ScheduleRow[], now = Date.now()): number | null {
  const info = cached(
    db,
    `INSERT INTO contracts (source_key, user, user_id, amount, months, start, block, trx_in_block, op_in_trx, origin, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING`,
  ).run(c.sourceKey, c.user, c.userId, c.amountBts, c.months, c.start, c.block, c.trxInBlock, c.opInTrx, c.origin, now);
  if (info.changes === 0) return null;
  const contractId = Number(info.lastInsertRowid);
  const insertRow = cached(
    db,
    `INSERT INTO stakes (contract_id, user, token, amount, type, start, due, processed, status, block, trx_in_block, op_in_trx, number)
     VALUES (?, ?, 'BTS', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of rows) {
    insertRow.run(
      contractId,
      c.user,
      r.amount,
      r.type,
      c.start,
      r.due,
      r.status === 'paid' ? r.due : null,
      r.status,
      c.block,
      c.trxInBlock,
      c.opInTrx,
      r.number,
    );
  }
  return contractId;
}

/** A row already handed to the payout engine is being paid: a stop must neither settle nor abort it. */
const NOT_IN_PAYMENT = 'NOT EXISTS (SELECT 1 FROM payouts p WHERE p.stake_id = stakes.id)';

/**
 * Contracts of a user open at chain time `at` (RULES.md "Stop"): principal still pending, not being paid, and not
 * due by `at`; with the rows a stop settles.
 */
export function openContractsOf(db: Database, user: string, at: number): OpenContractRows[] {
  const principals = cached(
    db,
    `SELECT id, contract_id, amount FROM stakes WHERE user = ? AND type = 'principal' AND status = 'pending' AND due > ? AND ${NOT_IN_PAYMENT} ORDER BY contract_id`,
  ).all(user, at) as { id: number; contract_id: number; amount: number }[];
  const penalty = cached(db, `SELECT id, amount FROM stakes WHERE contract_id = ? AND type = 'penalty' AND status = 'pending'`);
  const interest = cached(
    db,
    `SELECT id FROM stakes WHERE contract_id = ? AND type = 'interest' AND status = 'pending' AND ${NOT_IN_PAYMENT} ORDER BY number`,
  );
  return principals.flatMap((p) => {
    const pen = penalty.get(p.contract_id) as { id: number; amount: number } | undefined;
    if (!pen) return [];
    return [
      {
        contractId: p.contract_id,
        principal: { id: p.id, amount: p.amount },
        penalty: pen,
        pendingInterest: interest.all(p.contract_id) as { id: number }[],
      },
    ];
  });
}

/**
 * Guarded status change of a pending row; returns false if the row was not pending (someone else got there first).
 * This is the atomic claim that keeps a row from being settled twice.
 */
export function settleStakeRow(db: Database, id: number, status: 'paid' | 'aborted' | 'premature', processed: number): boolean {
  const info = cached(db, `UPDATE stakes SET status = ?, processed = ? WHERE id = ? AND status = 'pending'`).run(status, processed, id);
  return info.changes === 1;
}

export function stakesOfContract(db: Database, contractId: number): StakeRow[] {
  return cached(db, 'SELECT * FROM stakes WHERE contract_id = ? ORDER BY due, type, number').all(contractId) as StakeRow[];
}

/** Whether a contract with this source key is in the database (an import run twice adds nothing). */
export function contractExists(db: Database, sourceKey: string): boolean {
  return cached(db, 'SELECT 1 FROM contracts WHERE source_key = ?').get(sourceKey) !== undefined;
}
