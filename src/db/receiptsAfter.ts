import type { Database } from 'better-sqlite3';
import type { ReceiptRow } from './receipts.js';

/** Receipts with an id above `afterId`, in id order, at most `limit` (the log tap reads the history as it grows). */
export function receiptsAfter(db: Database, afterId: number, limit = 500): ReceiptRow[] {
  return db.prepare('SELECT * FROM receipts WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as ReceiptRow[];
}

/** The id of the newest receipt, 0 for none. */
export function lastReceiptId(db: Database): number {
  return (db.prepare('SELECT coalesce(max(id), 0) AS id FROM receipts').get() as { id: number }).id;
}
