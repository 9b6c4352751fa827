import type { Database } from 'better-sqlite3';
import { type CatchUpState, readCatchUp } from '../db/catchup.js';
import { readCursor } from '../db/cursor.js';
import { recoveryPending } from '../db/receipts.js';
import { brokerLiability } from '../payout/liabilityCheck.js';

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
  lastBalances: { at: number; brokerSats: bigint | null; bittrex: Array<{ index: number; availableSats: bigint }> } | null;
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
  const openContracts = (
    db.prepare(`SELECT count(DISTINCT contract_id) AS n FROM stakes WHERE type = 'principal' AND status = 'pending'`).get() as { n: number }
  ).n;
  const payouts = (
    db
      .prepare('SELECT state, count(*) AS n, coalesce(sum(amount_sats), 0) AS sats FROM payouts GROUP BY state ORDER BY state')
      .safeIntegers(true)
      .all() as Array<{
      state: string;
      n: bigint;
      sats: bigint;
    }>
  ).map((r) => ({ state: r.state, count: Number(r.n), sats: r.sats }));
  const count = (...states: string[]) => payouts.filter((p) => states.includes(p.state)).reduce((s, p) => s + p.count, 0);

  const balancesRow = db
    .prepare(`SELECT now, msg FROM receipts WHERE json_extract(msg, '$.event') IN ('startup', 'balances') ORDER BY id DESC LIMIT 1`)
    .get() as { now: number; msg: string } | undefined;
  let lastBalances: DbStatus['lastBalances'] = null;
  if (balancesRow) {
    const msg = JSON.parse(balancesRow.msg) as {
      brokerBalanceSats?: string;
      bittrexBalancesSats?: Array<{ index: number; availableSats: string }>;
    };
    // A periodic receipt has no Bittrex figures: take them from the last start-up receipt.
    const bittrexRow = db
      .prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'startup' ORDER BY id DESC LIMIT 1`)
      .get() as { msg: string } | undefined;
    const bittrex = bittrexRow ? ((JSON.parse(bittrexRow.msg) as typeof msg).bittrexBalancesSats ?? []) : [];
    lastBalances = {
      at: balancesRow.now,
      brokerSats: msg.brokerBalanceSats === undefined ? null : BigInt(msg.brokerBalanceSats),
      bittrex: bittrex.map((b) => ({ index: b.index, availableSats: BigInt(b.availableSats) })),
    };
  }

  const payoutErrors = db
    .prepare(`SELECT id, purpose, state, last_error, updated_at FROM payouts WHERE last_error IS NOT NULL ORDER BY updated_at DESC LIMIT ?`)
    .all(errors) as Array<{ id: number; purpose: string; state: string; last_error: string; updated_at: number }>;
  const receiptErrors = db
    .prepare(
      `SELECT id, now, msg FROM receipts WHERE json_extract(msg, '$.event') IN ('payout_failed', 'admin_refused', 'admin_expired') ORDER BY id DESC LIMIT ?`,
    )
    .all(errors) as Array<{ id: number; now: number; msg: string }>;
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
    internalErrors: (db.prepare(`SELECT count(*) AS n FROM processed_ops WHERE outcome = 'invalid:internal'`).get() as { n: number }).n,
  };
}
