import type { Database } from 'better-sqlite3';

export type Cursor = { blockNum: number; blockTime: number };

/** The last block whose effects are committed, or null before the first run. */
export function readCursor(db: Database): Cursor | null {
  const row = db.prepare('SELECT block_num, block_time FROM cursor WHERE id = 1').get() as
    | { block_num: number; block_time: number }
    | undefined;
  return row ? { blockNum: row.block_num, blockTime: row.block_time } : null;
}

/** Moves the cursor forward; call in the same transaction as the block's effects. */
export function writeCursor(db: Database, cursor: Cursor, now = Date.now()): void {
  db.prepare(
    `INSERT INTO cursor (id, block_num, block_time, updated_at) VALUES (1, @blockNum, @blockTime, @now)
     ON CONFLICT (id) DO UPDATE SET block_num = excluded.block_num, block_time = excluded.block_time, updated_at = excluded.updated_at`,
  ).run({ ...cursor, now });
}
