import type { Database } from 'better-sqlite3';
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

type Row = Record<string, unknown>;

/** Builds the demo summary from the database (read-only) and the simulators' ledgers. */
export function demoSummary(db: Database, ledgers: DemoLedgers): DemoSummary {
  const all = (sql: string, ...p: unknown[]) =>
    db
      .prepare(sql)
      .safeIntegers(true)
      .all(...p) as Row[];
  const num = (v: unknown) => Number(v as bigint);

  const contracts = all(
    `SELECT c.months, s.status FROM contracts c JOIN stakes s ON s.contract_id = c.id AND s.type = 'principal'`,
  ) as Array<{ months: bigint; status: string }>;
  const byMonths: Record<string, number> = {};
  for (const c of contracts) byMonths[String(c.months)] = (byMonths[String(c.months)] ?? 0) + 1;

  const payments = all(
    `SELECT rail, purpose, count(*) AS n, sum(amount_sats) AS sats FROM payouts WHERE state = 'paid' GROUP BY rail, purpose ORDER BY rail, purpose`,
  ).map((r) => ({ rail: String(r.rail), purpose: String(r.purpose), count: num(r.n), sats: String(r.sats) }));
  const unpaid = Object.fromEntries(
    all(`SELECT state, count(*) AS n FROM payouts WHERE state <> 'paid' GROUP BY state`).map((r) => [String(r.state), num(r.n)]),
  );
  const refund =
    all(`SELECT count(*) AS n, coalesce(sum(amount_sats), 0) AS sats FROM payouts WHERE purpose = 'refund' AND state = 'paid'`)[0] ?? {};
  const incoming = Object.fromEntries(
    all('SELECT outcome, count(*) AS n FROM processed_ops GROUP BY outcome ORDER BY outcome').map((r) => [String(r.outcome), num(r.n)]),
  );
  const adminActions = all('SELECT manager, action, outcome FROM admin_actions ORDER BY id').map((r) => ({
    manager: String(r.manager),
    action: String(r.action),
    outcome: String(r.outcome),
  }));
  const loans = all('SELECT manager, sum(amount_sats) AS sats FROM loans GROUP BY manager ORDER BY manager').map((r) => ({
    manager: String(r.manager),
    sats: String(r.sats),
  }));
  const chain = verifyReceiptChain(db);

  // Ledger check: simulator entries ↔ paid attempts (chain tx id / Bittrex clientWithdrawalId = the attempt's idem key).
  const paidAttempts = all(
    `SELECT a.rail, a.idem_key, p.amount_sats FROM payout_attempts a JOIN payouts p ON p.id = a.payout_id WHERE a.state = 'paid' AND p.state = 'paid'`,
  ) as Array<{ rail: string; idem_key: string; amount_sats: bigint }>;
  const onRail = (rail: string) => new Map(paidAttempts.filter((a) => a.rail === rail).map((a) => [a.idem_key, a.amount_sats]));
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
    refunds: { count: num(refund.n ?? 0n), sats: String(refund.sats ?? 0n) },
    incoming,
    adminActions,
    loans,
    receipts: chain.ok ? { count: chain.count, verified: true } : { count: chain.count, verified: false, brokenAt: chain.brokenAt },
    ledgerCheck: { chain: { transfers: ledgers.brokerOut.length, paidOnRail: brokerPaid.size, matched: chainMatched }, bittrex, ok },
  };
}
