import type { Database } from 'better-sqlite3';
import type { StakeRow } from './contracts.js';
import { type PayoutRow, readPayoutRow } from './payouts.js';

// The rows `audit verify` checks the money invariants over (read-only), typed once here.

export type ContractLine = { id: number; user: string; amount: number; months: number; start: number; origin: string };

export function allContractLines(db: Database): ContractLine[] {
  return db.prepare('SELECT id, user, amount, months, start, origin FROM contracts ORDER BY id').all() as ContractLine[];
}

export function stakeRowsOf(db: Database, contractId: number): StakeRow[] {
  return db.prepare('SELECT * FROM stakes WHERE contract_id = ? ORDER BY id').all(contractId) as StakeRow[];
}

export function payoutsOfStakeRow(db: Database, stakeId: number): PayoutRow[] {
  return db.prepare('SELECT * FROM payouts WHERE stake_id = ? ORDER BY id').all(stakeId).map(readPayoutRow);
}

export function payoutsOfPurposes(db: Database, purposes: readonly string[]): PayoutRow[] {
  return db
    .prepare(`SELECT * FROM payouts WHERE purpose IN (${purposes.map(() => '?').join(', ')}) ORDER BY id`)
    .all(...purposes)
    .map(readPayoutRow);
}

export function stakeTypeAndContract(db: Database, stakeId: number): { type: string; contract_id: number } | undefined {
  return db.prepare('SELECT type, contract_id FROM stakes WHERE id = ?').get(stakeId) as { type: string; contract_id: number } | undefined;
}

/** monthsPaid of each imported contract (by contract id), from its `contract_imported` receipt. */
export function importedMonthsPaid(db: Database): Map<number, number> {
  const rows = db
    .prepare(
      `SELECT nonce, json_extract(msg, '$.monthsPaid') AS monthsPaid FROM receipts WHERE json_extract(msg, '$.event') = 'contract_imported'`,
    )
    .all() as { nonce: number; monthsPaid: number | null }[];
  return new Map(rows.map((r) => [r.nonce, r.monthsPaid ?? 0]));
}

/** The contracts a stop payout ended (its `contract_stopped` receipts; nonce = contract id). */
export function contractsEndedBy(db: Database, payoutId: number): { principal: number; penalty: number; nonce: number }[] {
  return db
    .prepare(
      `SELECT json_extract(msg, '$.principalBts') AS principal, json_extract(msg, '$.penaltyBts') AS penalty, nonce
       FROM receipts WHERE json_extract(msg, '$.event') = 'contract_stopped' AND json_extract(msg, '$.payoutId') = ?`,
    )
    .all(payoutId) as { principal: number; penalty: number; nonce: number }[];
}

/** The amount of a contract's single row of this type (principal, penalty). */
export function singleRowAmount(db: Database, contractId: number, type: string): number | undefined {
  return (
    db.prepare(`SELECT amount FROM stakes WHERE contract_id = ? AND type = ? AND number = 0`).get(contractId, type) as
      | { amount: number }
      | undefined
  )?.amount;
}

/** What the incoming operation at this key carried, satoshis. */
export function incomingAmountAt(db: Database, block: number, trx: number, op: number): number | undefined {
  return (
    db.prepare('SELECT amount_sats FROM processed_ops WHERE block_num = ? AND trx_in_block = ? AND op_in_trx = ?').get(block, trx, op) as
      | { amount_sats: number }
      | undefined
  )?.amount_sats;
}
