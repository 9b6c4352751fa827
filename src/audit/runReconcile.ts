import type { Database } from 'better-sqlite3';
import { loadLedger } from '../db/reconcileLedger.js';
import type { RailLedger } from '../payout/rails/Rail.js';
import { type ChainReader, fetchBrokerTransfers } from './fetchBrokerTransfers.js';
import { type ExchangeWithdrawal, type ReconcileResult, reconcilePayments } from './reconcilePayments.js';

export type RunReconcileOptions = {
  db: Database;
  /** The chain side; omit to skip it. */
  chain?: { node: ChainReader; brokerId: string; blocks?: { from: number; to: number } };
  /** The exchange rails' ledgers by rail name ('bittrex1'…), from the rail registry; rails absent are not checked. */
  exchanges?: ReadonlyMap<string, Pick<RailLedger, 'listWithdrawals'>>;
  /**
   * Only this time window (ms, inclusive): an exchange's closed withdrawals are read from `since` on (not the whole
   * history), transfers and withdrawals outside it are left out, and only payouts paid inside it are judged.
   */
  window?: { since?: number; until?: number };
};

/** A payment still on its way: not a difference yet, listed apart so "no differences" never hides it. */
export type InFlightPayment = { ref: string; status: string; recipient: string; amountSats: bigint };

export type RunReconcileResult = ReconcileResult & {
  chainTransfers: number | null;
  withdrawals: Record<string, number>;
  inFlight: InFlightPayment[];
};

/**
 * Collects both sides (node history, each exchange rail's withdrawals, the payouts tables) and compares them
 * with {@link reconcilePayments}. Clients are injected, so tests point it at the simulators.
 */
export async function runReconcile(options: RunReconcileOptions): Promise<RunReconcileResult> {
  const { db, chain, exchanges = new Map<string, Pick<RailLedger, 'listWithdrawals'>>(), window = {} } = options;
  const inWindow = (t: number | null | undefined) =>
    t === undefined ||
    t === null ||
    ((window.since === undefined || t >= window.since) && (window.until === undefined || t <= window.until));
  const transfers = chain
    ? (await fetchBrokerTransfers(chain.node, { brokerId: chain.brokerId, ...(chain.blocks ? { blocks: chain.blocks } : {}) })).filter(
        (t) => inWindow(t.blockTime),
      )
    : null;
  const exchange = new Map<string, ExchangeWithdrawal[]>();
  const inFlight: InFlightPayment[] = [];
  for (const [rail, ledger] of exchanges) {
    const list = (await ledger.listWithdrawals(window.since, window.until)).filter(
      (w) => !w.time || inWindow(w.time) || w.outcome === 'pending',
    );
    exchange.set(rail, list);
    for (const w of list)
      if (w.outcome === 'pending')
        inFlight.push({
          ref: `${rail} withdrawal ${w.id}`,
          status: w.status,
          recipient: w.cryptoAddress,
          amountSats: w.quantitySats - w.txCostSats,
        });
  }
  // The database is read last: intents and attempts are written before anything is sent, so every transfer or
  // withdrawal fetched above already has its record; only a payment completed during the fetch can read db-only.
  const ledger = loadLedger(db);
  for (const p of ledger.payouts)
    if (p.state === 'sending' || p.state === 'submitted' || p.state === 'unknown')
      inFlight.push({ ref: `payout ${p.id}`, status: p.state, recipient: p.recipient, amountSats: p.amountSats });
  const windowed = window.since !== undefined || window.until !== undefined;
  const result = reconcilePayments({
    ...ledger,
    chain: transfers,
    exchange,
    ...(windowed ? { judgeDbSide: (p) => inWindow(p.paidAt ?? null) && p.paidAt != null } : {}),
  });
  return {
    ...result,
    inFlight,
    chainTransfers: transfers ? transfers.length : null,
    withdrawals: Object.fromEntries([...exchange].map(([rail, list]) => [rail, list.length])),
  };
}
