import type { Database } from 'better-sqlite3';
import { readCursor, writeCursor } from '../db/cursor.js';
import { appliedUnderAnotherBlock } from '../db/processedOps.js';
import { appendReceipt } from '../db/receipts.js';
import { planFailedIncoming } from '../domain/planIncoming.js';
import { BaseError, isError } from '../errors/BaseError.js';
import { applyEffects } from './applyEffects.js';
import { type HandleContext, handleIncoming } from './handleIncoming.js';
import type { IncomingOp, OutgoingOp, PreparedBlock } from './preparedBlock.js';
import { recordOutgoing } from './recordOutgoing.js';
import { settleDueAt } from './settleDueAt.js';

/** What applying a block needs; the same facts each incoming transfer is handled with. */
export type ApplyContext = HandleContext;

export type ApplyResult = { handled: number; skipped: number };

/**
 * The position a block is applied against, moved in the block's transaction: the block scan's cursor by default; the
 * history cursor when history-first catch-up applies a block ahead of the scan (which reads it again later: every op
 * is then found handled).
 */
export type BlockCursor = {
  read(db: ApplyContext['db']): number;
  write(db: ApplyContext['db'], block: PreparedBlock): void;
};

export const scanCursor: BlockCursor = {
  read: (db) => readCursor(db)?.blockNum ?? -1,
  write: (db, block) => writeCursor(db, { blockNum: block.blockNum, blockTime: block.blockTime, blockId: block.blockId ?? null }),
};

/**
 * Applies one irreversible block: what fell due by its time, then every transfer to or from the broker, plus the
 * cursor, in ONE SQLite transaction. A crash before commit leaves nothing; a replay after commit finds every op already handled.
 */
export function applyBlock(block: PreparedBlock, ctx: ApplyContext, cursor: BlockCursor = scanCursor): ApplyResult {
  const { db } = ctx;
  const result: ApplyResult = { handled: 0, skipped: 0 };
  const run = db.transaction(() => {
    // A block at or below the cursor was applied already: replaying it is a no-op, not an error.
    if (cursor.read(db) >= block.blockNum) return;
    // A transaction is in exactly one block: one already applied under another block number means a node served it
    // twice (or under the wrong number). Nothing of this block is applied; the scanner treats it as a node fault.
    const elsewhere = appliedUnderAnotherBlock(db, block);
    if (elsewhere) {
      throw new BaseError(
        'NODE_FAULT',
        `Transaction ${elsewhere.txId} op ${elsewhere.opInTrx} of block ${block.blockNum} was already applied in block ${elsewhere.blockNum}.`,
      );
    }
    // Due is a fact of chain time: whatever fell due at or before this block's timestamp is settled before its
    // operations, however late the block is applied (a stop must find matured contracts matured, due interest owed).
    settleDueAt(db, block.blockTime);
    for (const op of block.ops) {
      if (applyOne(op, block, ctx)) result.handled++;
      else result.skipped++;
    }
    cursor.write(db, block);
  });
  run.immediate();
  return result;
}

/**
 * Applies blocks in order, all in ONE SQLite transaction (each block a savepoint inside it, as applyBlock nests): one
 * commit, so one fsync, for a batch a history catch-up already holds, where a commit per block was most of its time.
 * Exactly-once keeps: the cursor moves with the blocks' effects. A block that is a node fault (NODE_FAULT, nothing
 * of it applied) rolls the batch back; the batch is then applied block by block, so every block before the faulty
 * one is applied and the fault is thrown as applyBlock throws it.
 */
export function applyBlocks(blocks: readonly PreparedBlock[], ctx: ApplyContext, cursor: BlockCursor = scanCursor): ApplyResult {
  const total: ApplyResult = { handled: 0, skipped: 0 };
  const add = (r: ApplyResult) => {
    total.handled += r.handled;
    total.skipped += r.skipped;
  };
  if (blocks.length === 1) {
    add(applyBlock(blocks[0] as PreparedBlock, ctx, cursor));
    return total;
  }
  try {
    ctx.db
      .transaction(() => {
        for (const b of blocks) add(applyBlock(b, ctx, cursor));
      })
      .immediate();
    return total;
  } catch (err) {
    if (!isError(err, 'NODE_FAULT')) throw err;
  }
  total.handled = 0;
  total.skipped = 0;
  for (const b of blocks) add(applyBlock(b, ctx, cursor));
  return total;
}

/**
 * One operation in its own savepoint: whatever it throws (a bug, a row the schema refuses), only that operation is
 * rolled back and it gets the outcome `invalid:internal` with the error in its receipt; the rest of the block is
 * applied and the cursor moves. A database condition (disk full, I/O error, busy, corrupt) is not the operation's
 * fault: it fails the whole block, which is retried, so nothing is marked failed that could still be applied.
 */
function applyOne(op: IncomingOp | OutgoingOp, block: PreparedBlock, ctx: ApplyContext): boolean {
  const { db } = ctx;
  try {
    return db.transaction(() => (op.direction === 'in' ? handleIncoming(op, block, ctx) : recordOutgoing(op, block.blockTime, ctx)))();
  } catch (err) {
    if (isDatabaseCondition(err)) throw err;
    const error = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split('\n')[0]!.slice(0, 300);
    ctx.logger?.error({ block: op.blockNum, trx: op.trxInBlock, op: op.opInTrx, error }, 'operation failed; recorded as invalid:internal');
    return op.direction === 'in' ? recordFailedIncoming(db, op, block, ctx, error) : recordFailedOutgoing(db, op, error);
  }
}

const DATABASE_CONDITIONS = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CORRUPT|NOTADB|READONLY|NOMEM|CANTOPEN|PROTOCOL)/;

function isDatabaseCondition(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DATABASE_CONDITIONS.test(code);
}

function recordFailedIncoming(db: Database, op: IncomingOp, block: PreparedBlock, ctx: ApplyContext, error: string): boolean {
  return applyEffects(db, planFailedIncoming(op, block.blockTime, ctx.names.get(op.fromId), error)).claimed;
}

function recordFailedOutgoing(db: Database, op: OutgoingOp, error: string): boolean {
  appendReceipt(db, 0, {
    event: 'outgoing_failed',
    to: op.toId,
    amountSats: op.amountSats,
    txId: op.txId,
    block: op.blockNum,
    trx: op.trxInBlock,
    op: op.opInTrx,
    error,
  });
  return false;
}
