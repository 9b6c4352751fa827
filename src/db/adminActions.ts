import type { Database } from 'better-sqlite3';

export type AdminActionOutcome = 'queued' | 'recorded' | 'refused' | 'expired';

/** A row of admin_actions as read: amounts exact (bigint), everything else a plain number or string. */
export type AdminActionRow = {
  id: number;
  source_key: string;
  manager: string;
  action: string;
  amount_sats: bigint;
  account: number | null;
  outcome: string;
  payout_id: number | null;
  created_at: number;
};

/** The row as SQLite returns it with safe integers on. */
type RawAdminAction = {
  id: bigint;
  source_key: string;
  manager: string;
  action: string;
  amount_sats: bigint;
  account: bigint | null;
  outcome: string;
  payout_id: bigint | null;
  created_at: bigint;
};

/** Reads a row once, with safe integers: the amount stays exact, the rest become numbers. */
function adminActionRow(r: RawAdminAction): AdminActionRow {
  const n = (v: bigint | null) => (v === null ? null : Number(v));
  return {
    id: Number(r.id),
    source_key: r.source_key,
    manager: r.manager,
    action: r.action,
    amount_sats: r.amount_sats,
    account: n(r.account),
    outcome: r.outcome,
    payout_id: n(r.payout_id),
    created_at: Number(r.created_at),
  };
}

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
  const rows = db
    .prepare(`SELECT * FROM admin_actions WHERE action = ? AND outcome = 'expired' AND (? IS NULL OR account = ?) ORDER BY id`)
    .safeIntegers(true)
    .all(action, account ?? null, account ?? null) as RawAdminAction[];
  return rows.map(adminActionRow);
}

/** The exchange account an admin move's payment is pinned to (the account its instruction named). */
export function accountOfAdminPayment(db: Database, payoutId: number): number | null {
  const row = db.prepare('SELECT account FROM admin_actions WHERE payout_id = ?').get(payoutId) as { account: number | null } | undefined;
  return row?.account ?? null;
}
