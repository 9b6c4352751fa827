import type { Database } from 'better-sqlite3';
import { SATS_PER_BTS } from '../domain/money.js';

/** `payments`: how many payments make up `dueSats` (each costs the broker a chain fee). */
export type Liability = { dueSats: bigint; untilMs: number; payments: number };

/**
 * What the broker must be able to pay in the next `coverDays` days (RULES.md "Admin actions"):
 * every pending interest/principal row due by then that has no payment yet, plus every payment not yet paid
 * (pending or in flight) except top-ups to the broker and `excludePayoutId` (the move being checked).
 * `notSentOnly` leaves payments in flight out: the broker's balance on the node may already be without them (the
 * treasury must not top up twice for a payment that has left).
 */
export function brokerLiability(
  db: Database,
  libNow: number,
  coverDays: number,
  excludePayoutId: number,
  { notSentOnly = false }: { notSentOnly?: boolean } = {},
): Liability {
  const untilMs = libNow + coverDays * 86_400_000;
  const rows = db
    .prepare(
      `SELECT coalesce(sum(amount), 0) AS bts, count(*) AS n FROM stakes s
        WHERE s.status = 'pending' AND s.type IN ('interest', 'principal') AND s.due <= ?
          AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.stake_id = s.id)`,
    )
    .get(untilMs) as { bts: number | bigint; n: number };
  const open = db
    .prepare(
      `SELECT coalesce(sum(amount_sats), 0) AS sats, count(*) AS n FROM payouts
        WHERE state IN (${notSentOnly ? "'pending'" : "'pending', 'sending', 'unknown', 'submitted'"})
          AND purpose <> 'bittrex_to_broker' AND id <> ?`,
    )
    .get(excludePayoutId) as { sats: number | bigint; n: number };
  return { dueSats: BigInt(rows.bts) * SATS_PER_BTS + BigInt(open.sats), untilMs, payments: rows.n + open.n };
}
