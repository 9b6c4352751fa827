import type { Database } from 'better-sqlite3';

export type Cursor = {
  blockNum: number;
  blockTime: number;
  /** Id of that block, when known (null on databases written before ids were kept, and on a node that gave none). */
  blockId: string | null;
};

/** The last block whose effects are committed, or null before the first run. */
export function readCursor(db: Database): Cursor | null {
  const row = db.prepare('SELECT block_num, block_time, block_id FROM cursor WHERE id = 1').get() as
    | { block_num: number; block_time: number; block_id: string | null }
    | undefined;
  return row ? { blockNum: row.block_num, blockTime: row.block_time, blockId: row.block_id } : null;
}

/** Moves the cursor forward; call in the same transaction as the block's effects. */
export function writeCursor(
  db: Database,
  cursor: { blockNum: number; blockTime: number; blockId?: string | null },
  now = Date.now(),
): void {
  db.prepare(
    `INSERT INTO cursor (id, block_num, block_time, block_id, updated_at) VALUES (1, @blockNum, @blockTime, @blockId, @now)
     ON CONFLICT (id) DO UPDATE SET block_num = excluded.block_num, block_time = excluded.block_time, block_id = excluded.block_id,
       updated_at = excluded.updated_at`,
  ).run({ blockNum: cursor.blockNum, blockTime: cursor.blockTime, blockId: cursor.blockId ?? null, now });
}
