import type { Database } from 'better-sqlite3';

/** A payment as a reconciliation compares it with the rails' ledgers. */
export type LedgerPayout = {
  id: number;
  purpose: string;
  recipient: string;
  recipientId: string | null;
  amountSats: bigint;
  state: string;
  rail: string | null;
  externalId: string | null;
  /** When the database marked it paid (ms), if it did. */
  paidAt?: number | null;
};

/** One try on one rail; `idemKey` is the chain tx id (broker) or the clientWithdrawalId (Bittrex). */
export type LedgerAttempt = { id: number; payoutId: number; rail: string; idemKey: string; state: string; externalId: string | null };

/** The database side of a reconciliation: every payout and every attempt (read-only). */
export function loadLedger(db: Database): { payouts: LedgerPayout[]; attempts: LedgerAttempt[] } {
  // One read transaction: both lists from the same snapshot while the daemon writes.
  return db.transaction(() => read(db))();
}

function read(db: Database): { payouts: LedgerPayout[]; attempts: LedgerAttempt[] } {
  const payouts = (
    db
      .prepare('SELECT id, purpose, recipient, recipient_id, amount_sats, state, rail, external_id, paid_at FROM payouts ORDER BY id')
      .safeIntegers(true)
      .all() as Array<{
      id: bigint;
      purpose: string;
      recipient: string;
      recipient_id: string | null;
      amount_sats: bigint;
      state: string;
      rail: string | null;
      external_id: string | null;
      paid_at: bigint | null;
    }>
  ).map((p) => ({
    id: Number(p.id),
    purpose: p.purpose,
    recipient: p.recipient,
    recipientId: p.recipient_id,
    amountSats: p.amount_sats,
    state: p.state,
    rail: p.rail,
    externalId: p.external_id,
    paidAt: p.paid_at === null ? null : Number(p.paid_at),
  }));
  const attempts = (
    db.prepare('SELECT id, payout_id, rail, idem_key, state, external_id FROM payout_attempts ORDER BY id').all() as Array<{
      id: number;
      payout_id: number;
      rail: string;
      idem_key: string;
      state: string;
      external_id: string | null;
    }>
  ).map((a) => ({ id: a.id, payoutId: a.payout_id, rail: a.rail, idemKey: a.idem_key, state: a.state, externalId: a.external_id }));
  return { payouts, attempts };
}
