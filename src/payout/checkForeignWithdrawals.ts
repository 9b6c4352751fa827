import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { appendReceipt } from '../db/receipts.js';
import type { BittrexClient, Withdrawal } from '../exchange/bittrex/index.js';

/** How far back the closed-withdrawal list is read on each check. */
const LOOKBACK_MS = 7 * 24 * 3_600_000;

/**
 * The alarm of exactly-once payouts (reference, rule "reconcile"): every withdrawal on a Bittrex payout account must
 * be one of our attempts. One we did not create (someone else holds the key, a manual withdrawal, a bug) means the
 * account's money is not only ours to reason about: the account is halted — no payment uses it until a person has
 * looked and restarted the daemon — and an alarm receipt names the withdrawal (once per withdrawal).
 * @returns the accounts found with a foreign withdrawal (already halted ones are skipped)
 */
export async function checkForeignWithdrawals(p: {
  db: Database;
  clients: ReadonlyMap<number, BittrexClient>;
  halted: Set<number>;
  logger: Logger;
  now?: number;
}): Promise<number[]> {
  const { db, clients, halted, logger } = p;
  const now = p.now ?? Date.now();
  const known = db.prepare(`SELECT 1 FROM payout_attempts WHERE idem_key = ? AND rail = ?`);
  const alarmed = db.prepare(
    `SELECT 1 FROM receipts WHERE json_extract(msg, '$.event') = 'alarm_foreign_withdrawal' AND json_extract(msg, '$.withdrawalId') = ?`,
  );
  const found: number[] = [];
  for (const [index, client] of clients) {
    if (halted.has(index)) continue;
    let withdrawals: Withdrawal[];
    try {
      withdrawals = [
        ...(await client.listOpenWithdrawals()),
        ...(await client.listClosedWithdrawals({ startDate: now - LOOKBACK_MS, pageSize: 200 })),
      ];
    } catch (err) {
      logger.warn(
        { account: index, err: err instanceof Error ? err.message.split('\n')[0] : String(err) },
        'could not list withdrawals for the foreign-withdrawal check',
      );
      continue;
    }
    const foreign = withdrawals.filter(
      (w) => w.currencySymbol === 'BTS' && !(w.clientWithdrawalId && known.get(w.clientWithdrawalId.toLowerCase(), `bittrex${index}`)),
    );
    if (foreign.length === 0) continue;
    halted.add(index);
    found.push(index);
    db.transaction(() => {
      for (const w of foreign) {
        if (alarmed.get(w.id)) continue;
        appendReceipt(db, 0, {
          event: 'alarm_foreign_withdrawal',
          account: index,
          withdrawalId: w.id,
          clientWithdrawalId: w.clientWithdrawalId,
          quantitySats: w.quantity,
          cryptoAddress: w.cryptoAddress,
          status: w.status,
          createdAt: w.createdAt,
          note: `Bittrex account ${index} halted: no payment uses it until a person has checked it and restarted the daemon`,
        });
      }
    }).immediate();
    logger.error(
      { account: index, withdrawals: foreign.map((w) => w.id) },
      'ALARM: withdrawal not created by stakebts; Bittrex account halted',
    );
  }
  return found;
}
