import type { Database } from 'better-sqlite3';
import { type CatchUpState, readCatchUp } from '../db/catchup.js';
import { readCursor } from '../db/cursor.js';
import { brokerLiability } from '../db/liabilities.js';
import { recoveryPending } from '../db/receipts.js';
import {
  internalErrorCount,
  lastReceiptOf,
  openContractCount,
  payoutStateCounts,
  recentPayoutErrors,
  recentReceiptsOf,
} from '../db/statusRows.js';

export type PayoutStateCount = { state: string; count: number; sats: bigint };
export type LastError = { at: number; source: string; text: string };

/** What the database alone says about the daemon (no network). */
export type DbStatus = {
  cursor: { blockNum: number; blockTime: number } | null;
  /** History-first catch-up and scan progress (mode, rate, time left), or null before the listener wrote it. */
  catchUp: CatchUpState | null;
  openContracts: number;
  /** Pending interest/principal not yet paid plus every payment still owed, due within the window (RULES.md cover rule). */
  due7dSats: bigint;
  due30dSats: bigint;
  payouts: PayoutStateCount[];
  /** State pending: written, not yet sent (includes deferred ones). */
  pending: number;
  /** Sending, submitted or unknown: money may be on its way; reconciliation decides. */
  inFlight: number;
  /** State unknown: the outcome is not known yet (never retried blindly). */
  uncertain: number;
  failed: number;
  /** Last balances the daemon receipted (start-up or periodic). */
  /** `rails`: what the rails with a start-up check (the exchange accounts) held at the last start. */
  lastBalances: { at: number; brokerSats: bigint | null; rails: Array<{ rail: string; availableSats: bigint }> } | null;
  lastErrors: LastError[];
  /** Incoming operations whose handling threw (`invalid:internal`): claimed, receipted, not applied; need the manager. */
  internalErrors: number;
  /** A restored database is being matched against the chain and the exchange: payments wait. */
  recovering: boolean;
};

/**
 * Reads the daemon's state from its database (safe on a read-only handle, while the daemon runs).
 * "Now" for the due windows is the last block the listener applied, as for the payout loop.
 */
export function collectDbStatus(db: Database, { errors = 5 }: { errors?: number } = {}): DbStatus {
  const cursor = readCursor(db);
  const now = cursor?.blockTime ?? Date.now();
  const openContracts = openContractCount(db);
  const payouts = payoutStateCounts(db);
  const count = (...states: string[]) => payouts.filter((p) => states.includes(p.state)).reduce((s, p) => s + p.count, 0);

  const balancesRow = lastReceiptOf(db, ['startup', 'balances']);
  let lastBalances: DbStatus['lastBalances'] = null;
  if (balancesRow) {
    const msg = JSON.parse(balancesRow.msg) as {
      brokerBalanceSats?: string;
      railBalancesSats?: Array<{ rail: string; availableSats: string }>;
      /** Start-up receipts written before rails were plugins. */
      bittrexBalancesSats?: Array<{ index: number; availableSats: string }>;
    };
    // A periodic receipt has no exchange figures: take them from the last start-up receipt.
    const startupRow = lastReceiptOf(db, ['startup']);
    const startup = startupRow ? (JSON.parse(startupRow.msg) as typeof msg) : {};
    const rails =
      startup.railBalancesSats ??
      (startup.bittrexBalancesSats ?? []).map((b) => ({ rail: `bittrex${b.index}`, availableSats: b.availableSats }));
    lastBalances = {
      at: balancesRow.now,
      brokerSats: msg.brokerBalanceSats === undefined ? null : BigInt(msg.brokerBalanceSats),
      rails: rails.map((b) => ({ rail: b.rail, availableSats: BigInt(b.availableSats) })),
    };
  }

  const payoutErrors = recentPayoutErrors(db, errors);
  const receiptErrors = recentReceiptsOf(db, ['payout_failed', 'admin_refused', 'admin_expired'], errors);
  const lastErrors: LastError[] = [
    ...payoutErrors.map((p) => ({ at: p.updated_at, source: `payout ${p.id} (${p.purpose}, ${p.state})`, text: p.last_error })),
    ...receiptErrors.map((r) => {
      const m = JSON.parse(r.msg) as { event: string; reason?: string; note?: string; payoutId?: number };
      return { at: r.now, source: `receipt ${r.id} (${m.event})`, text: m.reason ?? m.note ?? '' };
    }),
  ]
    .sort((a, b) => b.at - a.at)
    .slice(0, errors);

  return {
    cursor,
    catchUp: readCatchUp(db),
    openContracts,
    due7dSats: brokerLiability(db, now, 7, -1).dueSats,
    due30dSats: brokerLiability(db, now, 30, -1).dueSats,
    payouts,
    pending: count('pending'),
    inFlight: count('sending', 'submitted', 'unknown'),
    uncertain: count('unknown'),
    failed: count('failed'),
    lastBalances,
    lastErrors,
    recovering: recoveryPending(db),
    internalErrors: internalErrorCount(db),
  };
}
