/**
 * Pure comparison of what the database says was paid with what the outside world shows: the broker's outgoing
 * transfers on chain and each Bittrex account's withdrawals. No I/O: the caller collects both sides.
 */

import type { LedgerAttempt, LedgerPayout } from '../db/reconcileLedger.js';
import type { RailWithdrawal } from '../payout/rails/Rail.js';

// A payment intent and its tries, as the comparison needs them (read by db/reconcileLedger.ts).
export type { LedgerAttempt, LedgerPayout };

/** A transfer out of the broker seen on chain. */
export type ChainTransferOut = {
  txId: string | null;
  blockNum: number;
  trxInBlock: number;
  opInTrx: number;
  toId: string;
  amountSats: bigint;
  assetId: string;
  /** Block time (ms), when known. */
  blockTime?: number;
};

/** A withdrawal as the exchange rail's ledger lists it (payout/rails/Rail.ts). */
export type ExchangeWithdrawal = RailWithdrawal;

export type ReconcileIssueKind =
  /** Money left on chain / the exchange and no payout or attempt explains it. */
  | 'chain_only'
  | 'exchange_only'
  /** The database says paid (or an attempt says paid) and the outside side shows nothing. */
  | 'db_only'
  /** Both sides know the payment, with different amounts or recipients. */
  | 'amount_mismatch'
  | 'recipient_mismatch'
  /** One payout shows up more than once outside (two transfers, chain and exchange…): a double payment. */
  | 'paid_twice'
  /** The outside shows the payment done, the database says it was not sent or failed. */
  | 'state_mismatch';

export type ReconcileIssue = { kind: ReconcileIssueKind; ref: string; message: string };

export type ReconcileInput = {
  payouts: LedgerPayout[];
  attempts: LedgerAttempt[];
  /** null: the chain side was not checked (its payouts are then not judged either). */
  chain: ChainTransferOut[] | null;
  /** Withdrawals per checked rail ('bittrex1' → …); rails absent here are not judged. */
  exchange: ReadonlyMap<string, ExchangeWithdrawal[]>;
  /** Asset of the payments. @default '1.3.0' */
  assetId?: string;
  /** Whether a paid payout not found outside is a difference (a reconcile of a time window judges only its own). */
  judgeDbSide?: (p: LedgerPayout) => boolean;
};

export type ReconcileResult = { matched: number; issues: ReconcileIssue[] };

/** Attempt states in which nothing may have left: finding the payment outside contradicts them. */
const NOT_SENT = new Set(['rejected', 'cancelled', 'expired']);

/**
 * Matches each outside record to a payout through its idempotency key (chain tx id = attempt key or external id;
 * clientWithdrawalId = attempt key, else the withdrawal id or its chain tx id = external id), then lists everything on one side only,
 * different amounts or recipients, and payouts paid more than once.
 */
export function reconcilePayments(input: ReconcileInput): ReconcileResult {
  const { payouts, attempts, chain, exchange, assetId = '1.3.0', judgeDbSide = () => true } = input;
  const issues: ReconcileIssue[] = [];
  const byId = new Map(payouts.map((p) => [p.id, p]));
  const attemptByKey = new Map(attempts.map((a) => [a.idemKey.toLowerCase(), a]));
  const payoutByExternal = new Map<string, LedgerPayout>();
  for (const p of payouts) if (p.externalId) payoutByExternal.set(`${p.rail}|${p.externalId.toLowerCase()}`, p);
  /** payout id → descriptions of the outside records found for it. */
  const seen = new Map<number, string[]>();
  let matched = 0;

  const judge = (
    p: LedgerPayout,
    attempt: LedgerAttempt | undefined,
    where: string,
    amount: bigint,
    recipientOk: boolean,
    recipientText: string,
  ) => {
    matched++;
    seen.set(p.id, [...(seen.get(p.id) ?? []), where]);
    if (amount !== p.amountSats)
      issues.push({
        kind: 'amount_mismatch',
        ref: `payout ${p.id}`,
        message: `${where} moved ${amount} sats; the payout is ${p.amountSats} sats`,
      });
    if (!recipientOk)
      issues.push({
        kind: 'recipient_mismatch',
        ref: `payout ${p.id}`,
        message: `${where} went to ${recipientText}; the payout is for ${p.recipient}`,
      });
    if (p.state === 'failed' || (attempt && NOT_SENT.has(attempt.state))) {
      issues.push({
        kind: 'state_mismatch',
        ref: `payout ${p.id}`,
        message: `${where} shows it sent, the database says ${attempt ? `attempt ${attempt.id} ${attempt.state}` : p.state}`,
      });
    }
  };

  // 1. chain: every transfer out of the broker
  if (chain) {
    for (const t of chain) {
      const where = `chain tx ${t.txId ?? '?'} (block ${t.blockNum}/${t.trxInBlock}/${t.opInTrx})`;
      const key = t.txId?.toLowerCase();
      const attempt = key ? attemptByKey.get(key) : undefined;
      const p = attempt && attempt.rail === 'broker' ? byId.get(attempt.payoutId) : key ? payoutByExternal.get(`broker|${key}`) : undefined;
      if (!p) {
        issues.push({ kind: 'chain_only', ref: where, message: `${t.amountSats} sats (${t.assetId}) to ${t.toId} with no payout` });
        continue;
      }
      const amount = t.assetId === assetId ? t.amountSats : -1n;
      judge(p, attempt, where, amount, p.recipientId === null || p.recipientId === t.toId, t.toId);
    }
  }
  // 2. exchange: every withdrawal of every checked account
  for (const [rail, list] of exchange) {
    for (const w of list) {
      if (w.outcome === 'void') continue; // it moved no money
      const where = `${rail} withdrawal ${w.id}`;
      const attempt = w.clientWithdrawalId ? attemptByKey.get(w.clientWithdrawalId.toLowerCase()) : undefined;
      const p =
        attempt && attempt.rail === rail
          ? byId.get(attempt.payoutId)
          : (payoutByExternal.get(`${rail}|${w.id.toLowerCase()}`) ??
            (w.txId ? payoutByExternal.get(`${rail}|${w.txId.toLowerCase()}`) : undefined));
      if (!p) {
        issues.push({
          kind: 'exchange_only',
          ref: where,
          message: `${w.quantitySats} sats to ${w.cryptoAddress} (${w.status}) with no payout`,
        });
        continue;
      }
      judge(p, attempt, where, w.quantitySats - w.txCostSats, w.cryptoAddress === p.recipient, w.cryptoAddress);
    }
  }
  // 3. the database side: paid payouts and paid attempts on a checked rail must have been seen
  const checked = (rail: string | null) => rail !== null && (rail === 'broker' ? chain !== null : exchange.has(rail));
  for (const p of payouts) {
    const found = seen.get(p.id) ?? [];
    if (found.length > 1)
      issues.push({ kind: 'paid_twice', ref: `payout ${p.id}`, message: `paid ${found.length} times: ${found.join('; ')}` });
    if (found.length === 0 && p.state === 'paid' && checked(p.rail) && judgeDbSide(p)) {
      issues.push({
        kind: 'db_only',
        ref: `payout ${p.id}`,
        message: `paid on ${p.rail} (${p.externalId ?? 'no external id'}), not found there`,
      });
    }
  }
  for (const a of attempts) {
    const p = byId.get(a.payoutId);
    if (
      a.state === 'paid' &&
      checked(a.rail) &&
      p &&
      judgeDbSide(p) &&
      !(seen.get(p.id) ?? []).length &&
      !(p.state === 'paid' && p.rail === a.rail)
    ) {
      issues.push({
        kind: 'db_only',
        ref: `attempt ${a.id}`,
        message: `attempt of payout ${a.payoutId} on ${a.rail} is paid (${a.idemKey}), not found there`,
      });
    }
  }
  return { matched, issues };
}
