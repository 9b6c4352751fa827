import type { Database } from 'better-sqlite3';
import { readDeskSummaryRows } from '../db/deskSummaryRows.js';
import { verifyReceiptChain } from '../db/receipts.js';

/** What the simulators recorded: the ground truth the database is checked against. */
export type DemoLedgers = {
  /** Every chain transfer out of the broker (BTS). */
  brokerOut: Array<{ txId: string; to: string; amountSats: string; blockNum: number }>;
  /** Every withdrawal per Bittrex account number. */
  bittrex: Array<{
    account: number;
    withdrawals: Array<{
      id: string;
      clientWithdrawalId: string | null;
      status: string;
      quantitySats: string;
      txCostSats: string;
      to: string;
    }>;
  }>;
};

export type DemoSummary = {
  contracts: { total: number; byMonths: Record<string, number>; open: number; matured: number; stopped: number };
  /** Paid payments by rail and purpose. */
  payments: Array<{ rail: string; purpose: string; count: number; sats: string }>;
  unpaid: Record<string, number>;
  refunds: { count: number; sats: string };
  incoming: Record<string, number>;
  adminActions: Array<{ manager: string; action: string; outcome: string }>;
  loans: Array<{ manager: string; sats: string }>;
  receipts: { count: number; verified: boolean; brokenAt?: number };
  /** Each simulator ledger entry matched to exactly one paid payment attempt, and back. */
  ledgerCheck: {
    chain: { transfers: number; paidOnRail: number; matched: number };
    bittrex: Array<{ account: number; completed: number; paidOnRail: number; matched: number }>;
    ok: boolean;
  };
};

/** Builds the demo summary from the database (read-only) and the simulators' ledgers. */
export function demoSummary(db: Database, ledgers: DemoLedgers): DemoSummary {
  const rows = readDeskSummaryRows(db);
  const contracts = rows.contracts;
  const byMonths: Record<string, number> = {};
  for (const c of contracts) byMonths[String(c.months)] = (byMonths[String(c.months)] ?? 0) + 1;
  const payments = rows.paidByRail.map((r) => ({ rail: r.rail, purpose: r.purpose, count: r.count, sats: r.sats.toString() }));
  const unpaid = rows.unpaidByState;
  const incoming = rows.incomingByOutcome;
  const adminActions = rows.adminActions;
  const loans = rows.loansByManager.map((l) => ({ manager: l.manager, sats: l.sats.toString() }));
  const chain = verifyReceiptChain(db);

  // Ledger check: simulator entries ↔ paid attempts (chain tx id / Bittrex clientWithdrawalId = the attempt's idem key).
  const onRail = (rail: string) => new Map(rows.paidAttempts.filter((a) => a.rail === rail).map((a) => [a.idemKey, a.amountSats]));
  const brokerPaid = onRail('broker');
  const chainMatched = ledgers.brokerOut.filter((t) => brokerPaid.get(t.txId) === BigInt(t.amountSats)).length;
  const bittrex = ledgers.bittrex.map((b) => {
    const paid = onRail(`bittrex${b.account}`);
    const completed = b.withdrawals.filter((w) => w.status === 'COMPLETED');
    // The exchange sends quantity − txCost: that is what the recipient receives, the payment's amount.
    const matched = completed.filter(
      (w) => w.clientWithdrawalId !== null && paid.get(w.clientWithdrawalId) === BigInt(w.quantitySats) - BigInt(w.txCostSats),
    ).length;
    return { account: b.account, completed: completed.length, paidOnRail: paid.size, matched };
  });
  const ok =
    chainMatched === ledgers.brokerOut.length &&
    chainMatched === brokerPaid.size &&
    bittrex.every((b) => b.matched === b.completed && b.matched === b.paidOnRail);

  return {
    contracts: {
      total: contracts.length,
      byMonths,
      open: contracts.filter((c) => c.status === 'pending').length,
      matured: contracts.filter((c) => c.status === 'paid').length,
      stopped: contracts.filter((c) => c.status === 'premature').length,
    },
    payments,
    unpaid,
    refunds: { count: rows.refundsPaid.count, sats: rows.refundsPaid.sats.toString() },
    incoming,
    adminActions,
    loans,
    receipts: chain.ok ? { count: chain.count, verified: true } : { count: chain.count, verified: false, brokenAt: chain.brokenAt },
    ledgerCheck: { chain: { transfers: ledgers.brokerOut.length, paidOnRail: brokerPaid.size, matched: chainMatched }, bittrex, ok },
  };
}
