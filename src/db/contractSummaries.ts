import type { Database } from 'better-sqlite3';
import { SATS_PER_BTS } from '../domain/money.js';

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
  /**
   * Satoshis paid for this contract, as a decimal string: its rows' paid payouts plus its share of a paid stop
   * payout (principal − penalty; the BTS sent with the stop go to the contract the stop's intent names, so the
   * shares of one stop add up to the stop payout).
   */
  paidSats: string;
  /** The stop payout that ended it (null unless stopped), and this contract's share of it in satoshis. */
  stopPayoutId: number | null;
  stopShareSats: string;
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
  const rows = db.prepare(sql).all(params) as Array<Omit<ContractSummary, 'stopPayoutId' | 'stopShareSats'>>;
  const shares = stopShares(db);
  return rows.map((r) => {
    const s = shares.get(r.id);
    const share = s?.paid ? s.sats : 0n;
    return {
      ...r,
      paidSats: (BigInt(r.paidSats) + share).toString(),
      stopPayoutId: s?.payoutId ?? null,
      stopShareSats: (s?.sats ?? 0n).toString(),
    };
  });
}

/**
 * Each stopped contract's part of the stop payout that ended it, from the `contract_stopped` receipts (the stop's
 * intent has no row: stake_id is null, and one stop may end several contracts).
 */
export function stopShares(db: Database): Map<number, { payoutId: number; sats: bigint; paid: boolean }> {
  const stopped = db
    .prepare(
      `SELECT nonce AS contractId, json_extract(msg, '$.payoutId') AS payoutId, json_extract(msg, '$.principalBts') AS principal,
              json_extract(msg, '$.penaltyBts') AS penalty
         FROM receipts WHERE json_extract(msg, '$.event') = 'contract_stopped' ORDER BY id`,
    )
    .all() as { contractId: number; payoutId: number; principal: number; penalty: number }[];
  const payouts = new Map(
    (
      db.prepare(`SELECT id, contract_id, amount_sats, state FROM payouts WHERE purpose = 'stop'`).all() as {
        id: number;
        contract_id: number | null;
        amount_sats: number;
        state: string;
      }[]
    ).map((p) => [p.id, p]),
  );
  const out = new Map<number, { payoutId: number; sats: bigint; paid: boolean }>();
  const allotted = new Map<number, bigint>();
  for (const s of stopped) {
    if (out.has(s.contractId)) continue;
    const p = payouts.get(s.payoutId);
    const sats = (BigInt(s.principal) - BigInt(s.penalty)) * SATS_PER_BTS;
    out.set(s.contractId, { payoutId: s.payoutId, sats, paid: p?.state === 'paid' });
    allotted.set(s.payoutId, (allotted.get(s.payoutId) ?? 0n) + sats);
  }
  // The BTS sent with the stop (the remainder) belong to the contract the intent names.
  for (const [payoutId, sum] of allotted) {
    const p = payouts.get(payoutId);
    const named = p?.contract_id == null ? undefined : out.get(p.contract_id);
    if (p && named) named.sats += BigInt(p.amount_sats) - sum;
  }
  return out;
}
