import type { Database } from 'better-sqlite3';

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

/** The exchange account an admin move's payment is pinned to (the account its instruction named). */
export function accountOfAdminPayment(db: Database, payoutId: number): number | null {
  const row = db.prepare('SELECT account FROM admin_actions WHERE payout_id = ?').get(payoutId) as { account: number | null } | undefined;
  return row?.account ?? null;
}
