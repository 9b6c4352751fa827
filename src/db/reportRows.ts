import type { Database } from 'better-sqlite3';

// The reads of the auditor's report (src/audit/buildReport.ts), as of a time `now` (chain time): read-only.

/** A stakes row pending at @now: started by then, and still pending or settled after then (processed is chain time). */
const PENDING_AT = `start <= @now AND (status = 'pending' OR (processed IS NOT NULL AND processed > @now))`;

/** Interest, principal and contract-receipt rows owed at `now`. */
export function owedRowsAt(db: Database, now: number): { type: string; amount: number; due: number }[] {
  return db
    .prepare(
      `SELECT type, amount, due FROM stakes WHERE ${PENDING_AT} AND (type IN ('interest', 'principal') OR type LIKE 'contract\\_%' ESCAPE '\\')`,
    )
    .all({ now }) as { type: string; amount: number; due: number }[];
}

/** Stop payouts and refunds owed at `now` (their transfer in by then, not paid by then). */
export function unpaidPaymentsAt(db: Database, now: number): { amount_sats: bigint }[] {
  return db
    .prepare(
      `SELECT p.amount_sats FROM payouts p JOIN processed_ops o
           ON substr(p.source_key, instr(p.source_key, ':') + 1) = o.block_num || ':' || o.trx_in_block || ':' || o.op_in_trx
         WHERE p.stake_id IS NULL AND p.purpose IN ('stop', 'refund') AND o.block_time <= @now
           AND (p.state NOT IN ('paid', 'failed')
                OR (p.state = 'paid' AND coalesce((SELECT min(t.block_time) FROM chain_transfers_out t WHERE t.payout_id = p.id), p.paid_at) > @now))`,
    )
    .safeIntegers(true)
    .all({ now }) as { amount_sats: bigint }[];
}

/** Interest rows paid by `now`, with the (chain) time they were settled. */
export function interestPaidRowsUntil(db: Database, now: number): { amount: number; t: number }[] {
  return db
    .prepare(
      `SELECT amount, coalesce(processed, due) AS t FROM stakes WHERE type = 'interest' AND status = 'paid' AND coalesce(processed, due) <= @now ORDER BY t`,
    )
    .all({ now }) as { amount: number; t: number }[];
}

/** Contracts open at `now`, by term and size. */
export function openContractsAt(db: Database, now: number): { months: number; amountBts: number; contracts: number }[] {
  return db
    .prepare(
      `SELECT c.months, c.amount AS amountBts, count(*) AS contracts FROM contracts c
           JOIN stakes p ON p.contract_id = c.id AND p.type = 'principal' AND ${PENDING_AT.replaceAll('start', 'p.start').replaceAll('status', 'p.status').replaceAll('processed', 'p.processed')}
           GROUP BY c.months, c.amount ORDER BY c.months, c.amount`,
    )
    .all({ now }) as { months: number; amountBts: number; contracts: number }[];
}

/**
 * Loans per manager as of `now` (chain time): a loan counts from its block's time, as processed_ops records it (the
 * row's own `created_at` is the wall clock's, used only for a loan no block carries).
 */
export function loansPerManager(db: Database, now = Number.MAX_SAFE_INTEGER): { manager: string; loans: bigint; sats: bigint }[] {
  return db
    .prepare(
      `SELECT manager, count(*) AS loans, sum(amount_sats) AS sats FROM loans l
        WHERE coalesce((SELECT p.block_time FROM processed_ops p WHERE p.block_num = l.block LIMIT 1), l.created_at) <= ?
        GROUP BY manager ORDER BY manager`,
    )
    .safeIntegers(true)
    .all(now) as {
    manager: string;
    loans: bigint;
    sats: bigint;
  }[];
}

/** Deposits of other assets (kept, listed for the manager), up to `now`. */
export function unsupportedDepositsUntil(db: Database, now: number): Array<Record<string, bigint | string | null>> {
  return db
    .prepare(
      `SELECT block_num, trx_in_block, op_in_trx, tx_id, from_id, amount_sats, asset_id, block_time FROM processed_ops
           WHERE outcome = 'unsupported_asset' AND block_time <= ? ORDER BY block_num, trx_in_block, op_in_trx`,
    )
    .safeIntegers(true)
    .all(now) as Array<Record<string, bigint | string | null>>;
}

/** The sender's name as the deposit's receipt gives it, if it does. */
export function senderNameOfDeposit(db: Database, block: number, trx: number, op: number): string | null {
  const row = db
    .prepare(
      `SELECT json_extract(msg, '$.user') AS user FROM receipts WHERE json_extract(msg, '$.event') = 'unsupported_asset' AND json_extract(msg, '$.block') = ? AND json_extract(msg, '$.trx') = ? AND json_extract(msg, '$.op') = ?`,
    )
    .get(block, trx, op) as { user: string | null } | undefined;
  return row?.user ?? null;
}

export function refundsByState(db: Database): { state: string; refunds: bigint; sats: bigint }[] {
  return db
    .prepare(
      `SELECT state, count(*) AS refunds, sum(amount_sats) AS sats FROM payouts WHERE purpose = 'refund' GROUP BY state ORDER BY state`,
    )
    .safeIntegers(true)
    .all() as {
    state: string;
    refunds: bigint;
    sats: bigint;
  }[];
}
