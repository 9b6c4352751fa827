import type { Database } from 'better-sqlite3';
import { insertPayoutIntent } from './payouts.js';
import { appendReceipt } from './receipts.js';

export type TopUpRow = {
  payout_id: number;
  rail: string;
  seq: number;
  shortfall_sats: number;
  due_sats: number;
  broker_sats: number;
  created_at: number;
};

/** Top-ups to the broker not yet paid nor failed, with their amounts (they count as on their way). */
export function openTopUps(db: Database): Array<{ payoutId: number; rail: string; amountSats: bigint }> {
  const rows = db
    .prepare(
      `SELECT t.payout_id, t.rail, p.amount_sats FROM treasury_topups t JOIN payouts p ON p.id = t.payout_id
        WHERE p.state NOT IN ('paid', 'failed') ORDER BY t.payout_id`,
    )
    .all() as Array<{ payout_id: number; rail: string; amount_sats: number | bigint }>;
  return rows.map((r) => ({ payoutId: r.payout_id, rail: r.rail, amountSats: BigInt(r.amount_sats) }));
}

/** The rail a treasury top-up is pinned to, or null when the payment is not one. */
export function railOfTopUp(db: Database, payoutId: number): string | null {
  const row = db.prepare('SELECT rail FROM treasury_topups WHERE payout_id = ?').get(payoutId) as { rail: string } | undefined;
  return row?.rail ?? null;
}

/**
 * Writes one top-up: its payment intent (to the broker, exact memo) and its record, with a receipt, in one transaction.
 * The source key is the rail and the top-up's number on it, so a database restored from a backup re-derives the same
 * payment (same UUID, same withdrawal ids) and recognises a withdrawal made before it was lost.
 */
export function insertTopUp(
  db: Database,
  t: {
    rail: string;
    amountSats: bigint;
    broker: { name: string; id: string };
    memo: string;
    shortfallSats: bigint;
    dueSats: bigint;
    brokerSats: bigint;
    coverUntil: number;
  },
  now = Date.now(),
): { payoutId: number; created: boolean } {
  return db
    .transaction(() => {
      const seq = (db.prepare('SELECT coalesce(max(seq), 0) AS n FROM treasury_topups WHERE rail = ?').get(t.rail) as { n: number }).n + 1;
      const intent = insertPayoutIntent(
        db,
        {
          sourceKey: `treasury:${t.rail}:${seq}`,
          purpose: 'bittrex_to_broker',
          contractId: null,
          stakeId: null,
          recipient: t.broker.name,
          recipientId: t.broker.id,
          amountSats: t.amountSats,
          memo: t.memo,
          exactMemo: true,
        },
        now,
      );
      if (!intent.created) return { payoutId: intent.id, created: false };
      db.prepare(
        `INSERT INTO treasury_topups (payout_id, rail, seq, shortfall_sats, due_sats, broker_sats, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(intent.id, t.rail, seq, t.shortfallSats, t.dueSats, t.brokerSats, now);
      appendReceipt(db, 0, {
        event: 'treasury_topup_queued',
        payoutId: intent.id,
        rail: t.rail,
        amountSats: t.amountSats,
        shortfallSats: t.shortfallSats,
        dueSats: t.dueSats,
        brokerSats: t.brokerSats,
        coverUntil: t.coverUntil,
      });
      return { payoutId: intent.id, created: true };
    })
    .immediate();
}
