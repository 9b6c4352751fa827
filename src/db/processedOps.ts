import type { Database } from 'better-sqlite3';

/**
 * The first operation of `block` whose (tx id, op index) is already recorded under a different block number, in
 * either direction (incoming `processed_ops`, outgoing `chain_transfers_out`), or null.
 */
export function appliedUnderAnotherBlock(
  db: Database,
  block: { blockNum: number; ops: ReadonlyArray<{ txId: string | null; opInTrx: number; direction: 'in' | 'out' }> },
): { txId: string; opInTrx: number; blockNum: number } | null {
  const incoming = db.prepare('SELECT block_num FROM processed_ops WHERE tx_id = ? AND op_in_trx = ? AND block_num <> ? LIMIT 1');
  const outgoing = db.prepare('SELECT block_num FROM chain_transfers_out WHERE tx_id = ? AND op_in_trx = ? AND block_num <> ? LIMIT 1');
  for (const op of block.ops) {
    if (op.txId === null) continue;
    const row = (op.direction === 'in' ? incoming : outgoing).get(op.txId, op.opInTrx, block.blockNum) as { block_num: number } | undefined;
    if (row) return { txId: op.txId, opInTrx: op.opInTrx, blockNum: row.block_num };
  }
  return null;
}
