import type { Database } from 'better-sqlite3';
import { cached } from './statementCache.js';

export type CatchUpMode = 'history' | 'scan';

/** What the listener is doing, for `status`: the two cursors, the mode and why, the rate and the time left. */
export type CatchUpState = {
  /** Every broker operation the history api listed up to this block is applied (0 = history never used). */
  historyBlock: number;
  historyTime: number;
  mode: CatchUpMode;
  /** Why the mode is what it is (no history api, partial history, an error), or null. */
  note: string | null;
  scanBlock: number;
  lib: number;
  blocksPerSec: number;
  etaMs: number | null;
  window: number;
  updatedAt: number;
};

type Row = {
  history_block: number;
  history_time: number;
  mode: CatchUpMode;
  note: string | null;
  scan_block: number;
  lib: number;
  blocks_per_sec: number;
  eta_ms: number | null;
  window: number;
  updated_at: number;
};

/** The catch-up row, or null before the listener first wrote it. */
export function readCatchUp(db: Database): CatchUpState | null {
  const r = cached(db, 'SELECT * FROM catchup WHERE id = 1').get() as Row | undefined;
  if (!r) return null;
  return {
    historyBlock: r.history_block,
    historyTime: r.history_time,
    mode: r.mode,
    note: r.note,
    scanBlock: r.scan_block,
    lib: r.lib,
    blocksPerSec: r.blocks_per_sec,
    etaMs: r.eta_ms,
    window: r.window,
    updatedAt: r.updated_at,
  };
}

/** The history cursor: the last block whose listed broker operations are applied (0 when history was never used). */
export function readHistoryCursor(db: Database): { blockNum: number; blockTime: number } {
  const r = cached(db, 'SELECT history_block, history_time FROM catchup WHERE id = 1').get() as
    | { history_block: number; history_time: number }
    | undefined;
  return r ? { blockNum: r.history_block, blockTime: r.history_time } : { blockNum: 0, blockTime: 0 };
}

/** Moves the history cursor forward; in the same transaction as the operations it covers. Never moves it back. */
export function writeHistoryCursor(db: Database, c: { blockNum: number; blockTime: number }, now = Date.now()): void {
  cached(
    db,
    `INSERT INTO catchup (id, history_block, history_time, mode, note, scan_block, lib, blocks_per_sec, eta_ms, window, updated_at)
     VALUES (1, @blockNum, @blockTime, 'history', NULL, 0, @blockNum, 0, NULL, 1, @now)
     ON CONFLICT (id) DO UPDATE SET history_block = max(history_block, excluded.history_block),
       history_time = CASE WHEN excluded.history_block > history_block THEN excluded.history_time ELSE history_time END,
       updated_at = excluded.updated_at`,
  ).run({ blockNum: c.blockNum, blockTime: c.blockTime, now });
}

/** Rewrites the progress snapshot (not the history cursor). */
export function writeCatchUpProgress(
  db: Database,
  p: Pick<CatchUpState, 'mode' | 'note' | 'scanBlock' | 'lib' | 'blocksPerSec' | 'etaMs' | 'window'>,
  now = Date.now(),
): void {
  cached(
    db,
    `INSERT INTO catchup (id, history_block, history_time, mode, note, scan_block, lib, blocks_per_sec, eta_ms, window, updated_at)
     VALUES (1, 0, 0, @mode, @note, @scanBlock, @lib, @blocksPerSec, @etaMs, @window, @now)
     ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, note = excluded.note, scan_block = excluded.scan_block,
       lib = excluded.lib, blocks_per_sec = excluded.blocks_per_sec, eta_ms = excluded.eta_ms, window = excluded.window,
       updated_at = excluded.updated_at`,
  ).run({
    mode: p.mode,
    note: p.note,
    scanBlock: p.scanBlock,
    lib: p.lib,
    blocksPerSec: Math.max(0, Math.round(p.blocksPerSec)),
    etaMs: p.etaMs === null ? null : Math.max(0, Math.round(p.etaMs)),
    window: Math.max(1, Math.round(p.window)),
    now,
  });
}

/**
 * Which of these operations of a block are not recorded yet (incoming in processed_ops, outgoing in
 * chain_transfers_out): behind the history cursor, those are what the history api missed.
 */
export function unrecordedOps<T extends { blockNum: number; trxInBlock: number; opInTrx: number; direction: 'in' | 'out' }>(
  db: Database,
  ops: readonly T[],
): T[] {
  const incoming = cached(db, 'SELECT 1 FROM processed_ops WHERE block_num = ? AND trx_in_block = ? AND op_in_trx = ?');
  const outgoing = cached(db, 'SELECT 1 FROM chain_transfers_out WHERE block_num = ? AND trx_in_block = ? AND op_in_trx = ?');
  return ops.filter((o) => !(o.direction === 'in' ? incoming : outgoing).get(o.blockNum, o.trxInBlock, o.opInTrx));
}
