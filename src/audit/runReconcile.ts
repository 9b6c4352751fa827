import type { Database } from 'better-sqlite3';
import type { WithdrawalLister } from '../exchange/bittrex/findWithdrawalByClientId.js';
import { type ChainReader, fetchBrokerTransfers } from './fetchBrokerTransfers.js';
import { fetchWithdrawals } from './fetchWithdrawals.js';
import { loadLedger } from './loadLedger.js';
import { type ExchangeWithdrawal, type ReconcileResult, reconcilePayments } from './reconcilePayments.js';

export type RunReconcileOptions = {
  db: Database;
  /** The chain side; omit to skip it. */
  chain?: { node: ChainReader; brokerId: string; blocks?: { from: number; to: number } };
  /** Bittrex clients by rail name ('bittrex1'…); rails absent are not checked. */
  exchanges?: ReadonlyMap<string, WithdrawalLister>;
};

export type RunReconcileResult = ReconcileResult & { chainTransfers: number | null; withdrawals: Record<string, number> };

/**
 * Collects both sides (node history, each Bittrex account's withdrawals, the payouts tables) and compares them
 * with {@link reconcilePayments}. Clients are injected, so tests point it at the simulators.
 */
export async function runReconcile(options: RunReconcileOptions): Promise<RunReconcileResult> {
  const { db, chain, exchanges = new Map() } = options;
  const transfers = chain
    ? await fetchBrokerTransfers(chain.node, { brokerId: chain.brokerId, ...(chain.blocks ? { blocks: chain.blocks } : {}) })
    : null;
  const exchange = new Map<string, ExchangeWithdrawal[]>();
  for (const [rail, client] of exchanges) exchange.set(rail, await fetchWithdrawals(client, rail));
  // The database is read last: intents and attempts are written before anything is sent, so every transfer or
  // withdrawal fetched above already has its record; only a payment completed during the fetch can read db-only.
  const ledger = loadLedger(db);
  const result = reconcilePayments({ ...ledger, chain: transfers, exchange });
  return {
    ...result,
    chainTransfers: transfers ? transfers.length : null,
    withdrawals: Object.fromEntries([...exchange].map(([rail, list]) => [rail, list.length])),
  };
}
