import type { Database } from 'better-sqlite3';
import type { PayoutRow } from './payouts.js';

export type PayoutFilter = {
  /** Recipient account name. */
  user?: string;
  contract?: number;
  purpose?: string;
  state?: string;
  /** 'broker', 'bittrex1'… */
  rail?: string;
  /** Creation time window (ms, inclusive). */
  since?: number;
  until?: number;
  limit?: number;
};

/**
 * Payment intents in id order, filtered; `contract` matches the intent's contract, the contract of the row it pays,
 * or a stop that ended that contract.
 */
/** A payout with the number of tries made on rails (rows of payout_attempts), the count the timeline numbers. */
export type ListedPayout = PayoutRow & { attempt_rows: number };

export function listPayouts(db: Database, filter: PayoutFilter = {}): ListedPayout[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (sql: string, key: string, value: unknown) => {
    where.push(sql);
    params[key] = value;
  };
  if (filter.user !== undefined) add('p.recipient = @user', 'user', filter.user);
  if (filter.contract !== undefined) {
    // A stop pays several contracts at once: its intent names the first, the receipts of the others name the payout.
    add(
      `(p.contract_id = @contract OR p.stake_id IN (SELECT id FROM stakes WHERE contract_id = @contract)
        OR p.id IN (SELECT json_extract(msg, '$.payoutId') FROM receipts WHERE nonce = @contract AND json_extract(msg, '$.event') = 'contract_stopped'))`,
      'contract',
      filter.contract,
    );
  }
  if (filter.purpose !== undefined) add('p.purpose = @purpose', 'purpose', filter.purpose);
  if (filter.state !== undefined) add('p.state = @state', 'state', filter.state);
  if (filter.rail !== undefined) add('p.rail = @rail', 'rail', filter.rail);
  if (filter.since !== undefined) add('p.created_at >= @since', 'since', filter.since);
  if (filter.until !== undefined) add('p.created_at <= @until', 'until', filter.until);
  if (filter.limit !== undefined) params.limit = filter.limit;
  const sql = `SELECT p.*, (SELECT count(*) FROM payout_attempts a WHERE a.payout_id = p.id) AS attempt_rows FROM payouts p ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY p.id ${filter.limit !== undefined ? 'LIMIT @limit' : ''}`;
  return db.prepare(sql).all(params) as ListedPayout[];
}

/** Every rail name payment rows carry (a rail an earlier configuration had included), sorted. */
export function railNamesInRows(db: Database): string[] {
  const rows = db
    .prepare(`SELECT rail FROM payouts WHERE rail IS NOT NULL UNION SELECT rail FROM payout_attempts ORDER BY rail`)
    .all() as Array<{ rail: string }>;
  return rows.map((r) => r.rail);
}
