import type { Database } from 'better-sqlite3';
import { readCursor, writeCursor } from '../db/cursor.js';
import { appendReceipt } from '../db/receipts.js';
import { settleDueAt } from '../ledger/settleDueAt.js';
import { type HandleContext, handleIncoming } from './handleIncoming.js';
import type { OutgoingOp, PreparedBlock } from './prepareBlock.js';

/** What applying a block needs; the same facts each incoming transfer is handled with. */
export type ApplyContext = HandleContext;

export type ApplyResult = { handled: number; skipped: number };

/**
 * Applies one irreversible block: what fell due by its time, then every transfer to or from the broker, plus the
 * cursor, in ONE SQLite transaction. A crash before commit leaves nothing; a replay after commit finds every op already handled.
 */
export function applyBlock(block: PreparedBlock, ctx: ApplyContext): ApplyResult {
  const { db } = ctx;
  const result: ApplyResult = { handled: 0, skipped: 0 };
  const run = db.transaction(() => {
    // A block at or below the cursor was applied already: replaying it is a no-op, not an error.
    if ((readCursor(db)?.blockNum ?? -1) >= block.blockNum) return;
    // Due is a fact of chain time: whatever fell due at or before this block's timestamp is settled before its
    // operations, however late the block is applied (a stop must find matured contracts matured, due interest owed).
    settleDueAt(db, block.blockTime);
    for (const op of block.ops) {
      const done = op.direction === 'in' ? handleIncoming(op, block, ctx) : recordOutgoing(db, op, block.blockTime);
      if (done) result.handled++;
      else result.skipped++;
    }
    writeCursor(db, { blockNum: block.blockNum, blockTime: block.blockTime });
  });
  run.immediate();
  return result;
}

/**
 * A transfer out of the broker, seen irreversible: stored as evidence for the chain rail and matched to the
 * payment attempt that signed it (same tx id).
 */
function recordOutgoing(db: Database, op: OutgoingOp, blockTime: number): boolean {
  const attempt = op.txId
    ? (db.prepare(`SELECT payout_id FROM payout_attempts WHERE idem_key = ? AND rail = 'broker'`).get(op.txId) as
        | { payout_id: number }
        | undefined)
    : undefined;
  const info = db
    .prepare(
      `INSERT INTO chain_transfers_out (block_num, trx_in_block, op_in_trx, tx_id, to_id, amount_sats, asset_id, block_time, payout_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
    .run(
      op.blockNum,
      op.trxInBlock,
      op.opInTrx,
      op.txId,
      op.toId,
      op.amountSats,
      op.assetId,
      blockTime,
      attempt?.payout_id ?? null,
      Date.now(),
    );
  if (info.changes === 0) return false;
  appendReceipt(db, 0, {
    event: 'broker_transfer_out',
    to: op.toId,
    amountSats: op.amountSats,
    asset: op.assetId,
    txId: op.txId,
    block: op.blockNum,
    trx: op.trxInBlock,
    op: op.opInTrx,
    payoutId: attempt?.payout_id ?? null,
  });
  return true;
}
