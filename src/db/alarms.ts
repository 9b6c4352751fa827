import type { Database } from 'better-sqlite3';
import { appendReceipt } from './receipts.js';

/**
 * Every kind of alarm the daemon can raise: the one list, so that each is explained for the operator in
 * docs/mainnet.md (meaning and action) and test/docs/alarmKinds.test.ts fails when one is added without its entry.
 */
export const ALARM_KINDS = [
  'payment_refused',
  'foreign_withdrawal',
  'node_disagreement',
  'node_fault',
  'database_replaced',
  'outgoing_unmatched',
  'backup_failed',
  'history_missed_op',
] as const;

/** What an alarm is about (one of {@link ALARM_KINDS}). */
export type AlarmKind = (typeof ALARM_KINDS)[number];

/**
 * Raises an alarm: a receipt `{event: 'alarm', kind, …facts}` in the caller's transaction (or its own), which
 * `status`, the metrics and the auditors read. An alarm asks a human to look; it never pays or retries anything.
 */
export function appendAlarm(db: Database, nonce: number, kind: AlarmKind, facts: Record<string, unknown>): void {
  appendReceipt(db, nonce, { event: 'alarm', kind, ...facts });
}

/** Whether an alarm of this kind was raised already for this withdrawal (one alarm per foreign withdrawal, ever). */
export function alarmRaisedForWithdrawal(db: Database, kind: AlarmKind, withdrawalId: string): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM receipts WHERE json_extract(msg, '$.event') = 'alarm' AND json_extract(msg, '$.kind') = ?
            AND json_extract(msg, '$.withdrawalId') = ?`,
      )
      .get(kind, withdrawalId) !== undefined
  );
}
