import type { Database } from 'better-sqlite3';
import type { OpFacts } from '../domain/effects.js';
import { cached } from './statementCache.js';

/** The key and facts an incoming operation is claimed with (table processed_ops). */
export type ProcessedOpClaim = OpFacts & {
  /** What the operation became (`new_contract`, `invalid:no_memo`, `invalid:internal`, …). */
  outcome: string;
  blockTime: number;
};

/**
 * Claims an incoming operation's key with its outcome, in the caller's transaction; false when the operation was
 * handled already (a replayed block): the claim is what makes handling exactly once.
 */
export function claimProcessedOp(db: Database, c: ProcessedOpClaim, now = Date.now()): boolean {
  return (
    cached(
      db,
      `INSERT INTO processed_ops (block_num, trx_in_block, op_in_trx, tx_id, from_id, amount_sats, asset_id, outcome, block_time, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(c.blockNum, c.trxInBlock, c.opInTrx, c.txId, c.fromId, c.amountSats, c.assetId, c.outcome, c.blockTime, now).changes === 1
  );
}

/**
 * The first operation of `block` whose (tx id, op index) is already recorded under a different block number, in
 * either direction (incoming `processed_ops`, outgoing `chain_transfers_out`), or null.
 */
export function appliedUnderAnotherBlock(
  db: Database,
  block: { blockNum: number; ops: ReadonlyArray<{ txId: string | null; opInTrx: number; direction: 'in' | 'out' }> },
): { txId: string; opInTrx: number; blockNum: number } | null {
  const incoming = cached(db, 'SELECT block_num FROM processed_ops WHERE tx_id = ? AND op_in_trx = ? AND block_num <> ? LIMIT 1').pluck();
  const outgoing = cached(
    db,
    'SELECT block_num FROM chain_transfers_out WHERE tx_id = ? AND op_in_trx = ? AND block_num <> ? LIMIT 1',
  ).pluck();
  for (const op of block.ops) {
    if (op.txId === null) continue;
    const blockNum: unknown = (op.direction === 'in' ? incoming : outgoing).get(op.txId, op.opInTrx, block.blockNum);
    if (typeof blockNum === 'number') return { txId: op.txId, opInTrx: op.opInTrx, blockNum };
  }
  return null;
}
