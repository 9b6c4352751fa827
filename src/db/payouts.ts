import type { Database } from 'better-sqlite3';
import { paymentUuid, withRef } from '../domain/paymentKeys.js';
import { BaseError } from '../errors/BaseError.js';
import { adoptChainPayment } from './adoptPayment.js';
import { unclaimedTransfersWithRef } from './chainTransfersOut.js';
import { cached } from './statementCache.js';

/** What a payment is for. The two treasury moves keep the original bot's memo names (RULES.md "Admin actions"). */
export const PAYOUT_PURPOSES = [
  'contract_receipt',
  'interest',
  'principal',
  'stop',
  'refund',
  'support_notice',
  'bittrex_to_broker',
  'broker_to_bittrex',
] as const;
export type PayoutPurpose = (typeof PAYOUT_PURPOSES)[number];

export const PAYOUT_STATES = ['pending', 'sending', 'unknown', 'submitted', 'paid', 'failed'] as const;
export type PayoutState = (typeof PAYOUT_STATES)[number];

export type NewPayout = {
  /**
   * What this payment pays, unique and derived from chain facts only: 'stake:<contract key>/<type>/<number>',
   * 'stop:B:T:O', 'refund:B:T:O', 'notice:<key of the delayed payment>', 'admin:<instruction key>'.
   */
  sourceKey: string;
  purpose: PayoutPurpose;
  contractId: number | null;
  stakeId: number | null;
  recipient: string;
  recipientId: string | null;
  amountSats: bigint;
  memo: string;
  /** Earliest time to try (ms). @default 0 */
  notBefore?: number;
  /**
   * Send the memo exactly as given, without the payment reference: memos another system reads (a Bittrex deposit
   * memo, the broker's own `funding` memo). @default false
   */
  exactMemo?: boolean;
};

export type PayoutRow = {
  id: number;
  uuid: string;
  source_key: string;
  purpose: PayoutPurpose;
  contract_id: number | null;
  stake_id: number | null;
  recipient: string;
  recipient_id: string | null;
  amount_sats: number;
  memo: string;
  state: PayoutState;
  rail: string | null;
  external_id: string | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  paid_at: number | null;
};

const PURPOSES: ReadonlySet<string> = new Set(PAYOUT_PURPOSES);
const STATES: ReadonlySet<string> = new Set(PAYOUT_STATES);

/**
 * A payouts row as SQLite returns it, read once here into a {@link PayoutRow}: a row the schema would not allow (an
 * unknown state or purpose, an amount that is not a safe integer) is a damaged database, never a payment to act on.
 * @throws BaseError('DB_CORRUPT')
 */
export function readPayoutRow(raw: unknown): PayoutRow {
  const r = raw as PayoutRow;
  if (
    typeof r?.id !== 'number' ||
    !STATES.has(r.state) ||
    !PURPOSES.has(r.purpose) ||
    !Number.isSafeInteger(r.amount_sats) ||
    r.amount_sats <= 0 ||
    typeof r.uuid !== 'string' ||
    typeof r.recipient !== 'string'
  ) {
    throw new BaseError('DB_CORRUPT', `The payouts row ${String(r?.id)} is not one this schema writes; the database is damaged.`);
  }
  return r;
}
const one = (raw: unknown): PayoutRow | undefined => (raw === undefined ? undefined : readPayoutRow(raw));
const many = (raws: unknown[]): PayoutRow[] => raws.map(readPayoutRow);

/**
 * Writes a payment intent, once per source: a replay of the same source returns the existing row's id and
 * writes nothing. The UUID is the payment's idempotency key, derived from the source key (paymentKeys.ts), and the
 * memo carries it, so the payment can be recognised on chain and on the exchange even if this row is lost.
 */
export function insertPayoutIntent(db: Database, p: NewPayout, now = Date.now()): { id: number; created: boolean } {
  if (p.amountSats <= 0n) throw new Error(`payout amount must be positive (${p.sourceKey})`);
  const uuid = paymentUuid(p.sourceKey);
  const memo = p.exactMemo ? p.memo : withRef(p.memo, uuid);
  const info = cached(
    db,
    `INSERT INTO payouts (uuid, source_key, purpose, contract_id, stake_id, recipient, recipient_id, amount_sats, memo, state,
         next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (source_key) DO NOTHING`,
  ).run(uuid, p.sourceKey, p.purpose, p.contractId, p.stakeId, p.recipient, p.recipientId, p.amountSats, memo, p.notBefore ?? 0, now, now);
  if (info.changes === 1) {
    const id = Number(info.lastInsertRowid);
    adoptTransferSeenEarlier(db, id, uuid, p);
    return { id, created: true };
  }
  const row = cached(db, 'SELECT id FROM payouts WHERE source_key = ?').get(p.sourceKey) as { id: number };
  return { id: row.id, created: false };
}

/**
 * A payment can be seen on chain before its intent exists in this database: the database was restored from a backup
 * older than the payment, and the intent is re-derived later (a support notice is written by the payout loop, not by
 * the block that caused it). The transfer carrying its reference settles it at once.
 */
function adoptTransferSeenEarlier(db: Database, id: number, uuid: string, p: NewPayout): void {
  const seen = unclaimedTransfersWithRef(db, uuid).find(
    (t) => t.amount_sats === p.amountSats && (p.recipientId === null || t.to_id === p.recipientId),
  );
  if (!seen || seen.tx_id === null) return;
  const row = getPayout(db, id);
  if (row)
    adoptChainPayment(db, row, {
      txId: seen.tx_id,
      block: seen.block_num,
      trx: seen.trx_in_block,
      op: seen.op_in_trx,
      blockTime: seen.block_time,
    });
}

/**
 * A treasury move from the broker to the exchange still open, of exactly this amount, to this account (or to an
 * account not resolved yet): its memo is the exchange's deposit memo, so only the amount can tie a transfer to it.
 */
export function openTreasuryMoveTo(db: Database, toId: string, amountSats: bigint): PayoutRow | undefined {
  return one(
    cached(
      db,
      `SELECT * FROM payouts WHERE purpose = 'broker_to_bittrex' AND state <> 'paid' AND amount_sats = ?
          AND (recipient_id IS NULL OR recipient_id = ?) ORDER BY id LIMIT 1`,
    ).get(amountSats, toId),
  );
}

/** Payments not yet paid nor failed: those a withdrawal made by a lost attempt may belong to. */
export function openPayoutsForRecovery(db: Database): PayoutRow[] {
  return many(cached(db, `SELECT * FROM payouts WHERE state NOT IN ('paid', 'failed') ORDER BY id`).all());
}

/** The payment with this UUID (the reference its memo carries), if this database has it. */
export function payoutByUuid(db: Database, uuid: string): PayoutRow | undefined {
  return one(cached(db, 'SELECT * FROM payouts WHERE uuid = ?').get(uuid));
}

export function getPayout(db: Database, id: number): PayoutRow | undefined {
  return one(cached(db, 'SELECT * FROM payouts WHERE id = ?').get(id));
}

/** Every payment in flight (sending / unknown / submitted), oldest first: reconciled before anything new is sent. */
export function paymentsInFlight(db: Database): PayoutRow[] {
  return many(cached(db, `SELECT * FROM payouts WHERE state IN ('sending', 'unknown', 'submitted') ORDER BY id`).all());
}

/** Pending payments whose next try is due at `now`, oldest first, at most `limit`. */
export function duePayments(db: Database, now: number, limit: number): PayoutRow[] {
  return many(cached(db, `SELECT * FROM payouts WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?`).all(now, limit));
}

/** Payments being sent now or due to start at `now` (the demo's clock waits for them before making a block). */
export function paymentsAboutToSend(db: Database, now: number): number {
  return (
    cached(db, `SELECT count(*) AS n FROM payouts WHERE state = 'sending' OR (state = 'pending' AND next_attempt_at <= ?)`).get(now) as {
      n: number;
    }
  ).n;
}
