import type { Database } from 'better-sqlite3';

/** Where a contract stands, read from its principal row (RULES.md "Maturity", "Stop"). */
export type ContractState = 'open' | 'matured' | 'stopped';

export type ContractFilter = {
  user?: string;
  id?: number;
  /** open | matured | stopped */
  state?: ContractState;
  /** Term in months (3, 6, 12 with the default terms). */
  months?: number;
  origin?: 'chain' | 'import';
  /** Start time window (ms, inclusive). */
  since?: number;
  until?: number;
  limit?: number;
};

/** One contract with the facts an auditor asks first: state, interest paid so far, money paid out. */
export type ContractSummary = {
  id: number;
  user: string;
  amountBts: number;
  months: number;
  start: number;
  maturity: number;
  origin: 'chain' | 'import';
  block: number;
  state: ContractState;
  interestPaid: number;
  interestAborted: number;
  /** Satoshis of `paid` payouts made for this contract's rows (stop payouts included), as a decimal string. */
  paidSats: string;
};

const STATE_SQL = `CASE p.status WHEN 'pending' THEN 'open' WHEN 'paid' THEN 'matured' ELSE 'stopped' END`;

/**
 * Contracts in id order with their derived state. The state comes from the principal row only, so it reads the
 * same as what the listener and the payout engine decided.
 */
export function listContracts(db: Database, filter: ContractFilter = {}): ContractSummary[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (sql: string, key: string, value: unknown) => {
    where.push(sql);
    params[key] = value;
  };
  if (filter.user !== undefined) add('c.user = @user', 'user', filter.user);
  if (filter.id !== undefined) add('c.id = @id', 'id', filter.id);
  if (filter.state !== undefined) add(`${STATE_SQL} = @state`, 'state', filter.state);
  if (filter.months !== undefined) add('c.months = @months', 'months', filter.months);
  if (filter.origin !== undefined) add('c.origin = @origin', 'origin', filter.origin);
  if (filter.since !== undefined) add('c.start >= @since', 'since', filter.since);
  if (filter.until !== undefined) add('c.start <= @until', 'until', filter.until);
  if (filter.limit !== undefined) params.limit = filter.limit;
  const sql = `
    SELECT c.id, c.user, c.amount AS amountBts, c.months, c.start, p.due AS maturity, c.origin, c.block,
      ${STATE_SQL} AS state,
      (SELECT count(*) FROM stakes s WHERE s.contract_id = c.id AND s.type = 'interest' AND s.status = 'paid') AS interestPaid,
      (SELECT count(*) FROM stakes s WHERE s.contract_id = c.id AND s.type = 'interest' AND s.status = 'aborted') AS interestAborted,
      CAST((SELECT coalesce(sum(po.amount_sats), 0) FROM payouts po JOIN stakes s ON s.id = po.stake_id
             WHERE s.contract_id = c.id AND po.state = 'paid') AS TEXT) AS paidSats
    FROM contracts c JOIN stakes p ON p.contract_id = c.id AND p.type = 'principal' AND p.number = 0
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY c.id ${filter.limit !== undefined ? 'LIMIT @limit' : ''}`;
  return db.prepare(sql).all(params) as ContractSummary[];
}
