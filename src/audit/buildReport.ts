import type { Database } from 'better-sqlite3';
import { readCursor } from '../db/cursor.js';
import {
  interestPaidRowsUntil,
  loansPerManager,
  openContractsAt,
  owedRowsAt,
  refundsByState,
  senderNameOfDeposit,
  unpaidPaymentsAt,
  unsupportedDepositsUntil,
} from '../db/reportRows.js';
import { SATS_PER_BTS } from '../domain/money.js';

/** Amounts are satoshis as decimal strings: exact in JSON, bigint in code. */
export type Sats = string;

export type LiabilityMonth = {
  /** 'now' (due already and still pending, plus unpaid stop payouts and refunds), 'YYYY-MM' (UTC), or 'later'. */
  month: string;
  interestSats: Sats;
  principalSats: Sats;
  /** Contract receipts, pending stop payouts and refunds not yet paid. */
  otherSats: Sats;
  totalSats: Sats;
  rows: number;
};

export type AuditReport = {
  /** The report's "now": the last irreversible block time the daemon committed (or the time given). */
  now: number;
  /** Where `now` came from: the cursor (chain time), the caller, or the local clock (no block scanned yet). */
  nowSource: 'cursor' | 'given' | 'clock';
  liabilities: LiabilityMonth[];
  interestPaid: Array<{ month: string; rows: number; sats: Sats }>;
  openContracts: Array<{ months: number; amountBts: number; contracts: number; totalSats: Sats }>;
  loans: Array<{ manager: string; loans: number; sats: Sats }>;
  unsupportedDeposits: Array<{
    block: number;
    trx: number;
    op: number;
    txId: string | null;
    from: string;
    amountSats: Sats;
    assetId: string;
    time: number;
  }>;
  refunds: Array<{ state: string; refunds: number; sats: Sats }>;
};

export type BuildReportOptions = {
  /** @default the cursor's block time, else Date.now() */
  now?: number;
  /** @default 12 */
  months?: number;
};

/** 'YYYY-MM' of a UTC time. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The first `count` UTC months from the month of `ms`. */
function nextMonths(ms: number, count: number): string[] {
  const d = new Date(ms);
  return Array.from({ length: count }, (_, i) => monthOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + i, 1)));
}

/**
 * The auditor's report (read-only): what the broker owes by due month, interest paid per month, open contracts by
 * term and size, loans per manager, unsupported-asset deposits and refunds.
 */
export function buildReport(db: Database, options: BuildReportOptions = {}): AuditReport {
  const { months = 12 } = options;
  const cursorTime = readCursor(db)?.blockTime;
  const nowSource: AuditReport['nowSource'] = options.now !== undefined ? 'given' : cursorTime !== undefined ? 'cursor' : 'clock';
  const now = options.now ?? cursorTime ?? Date.now();
  return db.transaction(() => {
    // 1. liabilities: every pending interest / principal / receipt row by due month, plus unpaid non-row payouts now
    const horizon = nextMonths(now, months);
    const buckets = new Map<string, { interest: bigint; principal: bigint; other: bigint; rows: number }>();
    for (const m of ['now', ...horizon, 'later']) buckets.set(m, { interest: 0n, principal: 0n, other: 0n, rows: 0 });
    const bucketOf = (due: number) => {
      if (due < now) return 'now';
      const m = monthOf(due);
      return buckets.has(m) ? m : 'later';
    };
    // As of `now`, from the rows and their processed times (chain time): a row of a contract started by then is
    // pending then if it is pending still, or was settled (paid, aborted, premature) after `now`.
    const pending = owedRowsAt(db, now);
    for (const r of pending) {
      const b = buckets.get(bucketOf(r.due))!;
      const sats = BigInt(r.amount) * SATS_PER_BTS;
      if (r.type === 'interest') b.interest += sats;
      else if (r.type === 'principal') b.principal += sats;
      else b.other += sats;
      b.rows++;
    }
    const unpaid = unpaidPaymentsAt(db, now);
    const dueNow = buckets.get('now')!;
    for (const p of unpaid) {
      dueNow.other += p.amount_sats;
      dueNow.rows++;
    }
    const liabilities = [...buckets].map(([month, b]) => ({
      month,
      interestSats: b.interest.toString(),
      principalSats: b.principal.toString(),
      otherSats: b.other.toString(),
      totalSats: (b.interest + b.principal + b.other).toString(),
      rows: b.rows,
    }));

    // 2. interest paid per month (by the row's processed time: chain time)
    const paid = new Map<string, { rows: number; sats: bigint }>();
    for (const r of interestPaidRowsUntil(db, now)) {
      const m = monthOf(r.t);
      const e = paid.get(m) ?? { rows: 0, sats: 0n };
      e.rows++;
      e.sats += BigInt(r.amount) * SATS_PER_BTS;
      paid.set(m, e);
    }
    const interestPaid = [...paid].map(([month, e]) => ({ month, rows: e.rows, sats: e.sats.toString() }));

    // 3. open contracts (principal pending) by term and size
    const openContracts = openContractsAt(db, now).map((r) => ({
      ...r,
      totalSats: (BigInt(r.amountBts) * BigInt(r.contracts) * SATS_PER_BTS).toString(),
    }));

    // 4. loans per manager, as of now (each from its block's time)
    const loans = loansPerManager(db, now).map((r) => ({ manager: r.manager, loans: Number(r.loans), sats: r.sats.toString() }));

    // 5. deposits of other assets (kept, listed for the manager) and refunds of invalid transfers
    const unsupportedDeposits = unsupportedDepositsUntil(db, now).map((r) => {
      const from = String(r.from_id);
      const named = { user: senderNameOfDeposit(db, Number(r.block_num), Number(r.trx_in_block), Number(r.op_in_trx)) };
      return {
        block: Number(r.block_num),
        trx: Number(r.trx_in_block),
        op: Number(r.op_in_trx),
        txId: (r.tx_id as string | null) ?? null,
        from: named.user ?? from,
        amountSats: String(r.amount_sats),
        assetId: String(r.asset_id),
        time: Number(r.block_time),
      };
    });
    const refunds = refundsByState(db).map((r) => ({ state: r.state, refunds: Number(r.refunds), sats: r.sats.toString() }));

    return { now, nowSource, liabilities, interestPaid, openContracts, loans, unsupportedDeposits, refunds };
  })();
}
