import type { Database } from 'better-sqlite3';
import { paymentUuid, withRef } from '../domain/paymentKeys.js';

export type PayoutPurpose =
  | 'contract_receipt'
  | 'interest'
  | 'principal'
  | 'stop'
  | 'refund'
  | 'support_notice'
  | 'bittrex_to_broker'
  | 'broker_to_bittrex';

export type PayoutState = 'pending' | 'sending' | 'unknown' | 'submitted' | 'paid' | 'failed';

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

/**
 * Writes a payment intent, once per source: a replay of the same source returns the existing row's id and
 * writes nothing. The UUID is the payment's idempotency key, derived from the source key (paymentKeys.ts), and the
 * memo carries it, so the payment can be recognised on chain and on the exchange even if this row is lost.
 */
export function insertPayoutIntent(db: Database, p: NewPayout, now = Date.now()): { id: number; created: boolean } {
  if (p.amountSats <= 0n) throw new Error(`payout amount must be positive (${p.sourceKey})`);
  const uuid = paymentUuid(p.sourceKey);
  const memo = p.exactMemo ? p.memo : withRef(p.memo, uuid);
  const info = db
    .prepare(
      `INSERT INTO payouts (uuid, source_key, purpose, contract_id, stake_id, recipient, recipient_id, amount_sats, memo, state,
         next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (source_key) DO NOTHING`,
    )
    .run(uuid, p.sourceKey, p.purpose, p.contractId, p.stakeId, p.recipient, p.recipientId, p.amountSats, memo, p.notBefore ?? 0, now, now);
  if (info.changes === 1) return { id: Number(info.lastInsertRowid), created: true };
  const row = db.prepare('SELECT id FROM payouts WHERE source_key = ?').get(p.sourceKey) as { id: number };
  return { id: row.id, created: false };
}

export function getPayout(db: Database, id: number): PayoutRow | undefined {
  return db.prepare('SELECT * FROM payouts WHERE id = ?').get(id) as PayoutRow | undefined;
}
