import type { Database } from 'better-sqlite3';

export type AdminActionOutcome = 'queued' | 'recorded' | 'refused' | 'expired';

export type AdminActionRow = {
  id: number;
  source_key: string;
  manager: string;
  action: string;
  amount_sats: number;
  account: number | null;
  outcome: string;
  payout_id: number | null;
  created_at: number;
};

export type NewAdminAction = {
  /** What makes the instruction unique (an admin memo's op key, or `cli:<uuid>`); the table refuses it twice. */
  sourceKey: string;
  manager: string;
  action: string;
  amountSats: bigint;
  account: number | null;
  outcome: AdminActionOutcome;
  payoutId: number | null;
};

/** Records a manager instruction and what became of it, once (a second row for the same source key throws). */
export function insertAdminAction(db: Database, a: NewAdminAction, now = Date.now()): void {
  db.prepare(
    `INSERT INTO admin_actions (source_key, manager, action, amount_sats, account, outcome, payout_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(a.sourceKey, a.manager, a.action, a.amountSats, a.account, a.outcome, a.payoutId, now);
}

/**
 * Manager instructions this database holds as expired (older than the limit when processed) for this move. An
 * instruction processed in time before a restore, and found too old when its block is replayed, was executed once:
 * its transfer or withdrawal is explained by it (and not repeated, since it is expired now).
 */
export function expiredInstructions(db: Database, action: 'broker_to_bittrex' | 'bittrex_to_broker', account?: number): AdminActionRow[] {
  return db
    .prepare(`SELECT * FROM admin_actions WHERE action = ? AND outcome = 'expired' AND (? IS NULL OR account = ?) ORDER BY id`)
    .all(action, account ?? null, account ?? null) as AdminActionRow[];
}
