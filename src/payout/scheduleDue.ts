import type { Database } from 'better-sqlite3';
import { type SettleDueResult, settleDueAt } from '../ledger/settleDueAt.js';

export type ScheduleResult = SettleDueResult;

/**
 * Step (a) of a cycle, with now = the time of the last block the listener applied, in ONE transaction with its
 * receipts. The ledger already settles what is due before each block's operations; this pass covers rows that
 * fell due in blocks without operations of ours (the listener batches those and applies nothing for them).
 */
export function scheduleDue(db: Database, libNow: number): ScheduleResult {
  return db.transaction(() => settleDueAt(db, libNow)).immediate();
}
