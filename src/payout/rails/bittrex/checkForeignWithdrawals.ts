import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { expiredInstructions } from '../../../db/adminActions.js';
import { adoptExchangeWithdrawal } from '../../../db/adoptWithdrawal.js';
import { alarmRaisedForWithdrawal, appendAlarm } from '../../../db/alarms.js';
import { attemptKeyKnown } from '../../../db/payoutAttempts.js';
import { openPayoutsForRecovery, type PayoutRow, payoutByUuid } from '../../../db/payouts.js';
import { appendReceipt, receiptNamesWithdrawal } from '../../../db/receipts.js';
import { MAX_DERIVED_ATTEMPTS, paymentUuid, refOf, withdrawalIdOf } from '../../../domain/paymentKeys.js';
import type { BittrexClient, Withdrawal } from '../../../exchange/bittrex/index.js';

/** How far back the closed-withdrawal list is read on each check. */
const LOOKBACK_MS = 7 * 24 * 3_600_000;

export type ForeignCheckResult = {
  /** The account must halt now (a withdrawal none of ours explains). */
  foreign: boolean;
  /** Withdrawals recognised as payments whose attempt this database had lost, adopted as their live attempt. */
  adopted: number;
  /** Withdrawals naming a payment not re-derived yet (the listener is behind): looked at again next time. */
  deferred: number;
  /** The account's withdrawals could be listed. */
  listed: boolean;
};

/**
 * Every withdrawal on a Bittrex payout account must be one of our attempts (exactly-once payouts, rule "reconcile").
 * One we have no record of is, in order:
 * 1. a payment of ours made by an attempt this database lost (a restored backup): its id is the one derived from the
 *    payment's UUID (named by the reference in its memo), this account and an attempt number: adopted as that
 *    payment's live attempt, so nothing pays it again;
 * 2. naming a payment this database does not have yet while the listener is still catching up: left for the next check;
 * 3. anything else (someone else holds the key, a manual withdrawal, a bug): the account must halt — no payment uses
 *    it until a person has looked and restarted the daemon — with an alarm receipt per withdrawal (once each).
 */
export async function checkForeignWithdrawals(p: {
  db: Database;
  rail: string;
  account: number;
  client: BittrexClient;
  logger: Logger;
  /** The listener has applied every irreversible block: a payment not in the database now never will be. */
  caughtUp?: boolean;
  now?: number;
}): Promise<ForeignCheckResult> {
  const { db, rail, account: index, client, logger, caughtUp = true } = p;
  const now = p.now ?? Date.now();
  const result: ForeignCheckResult = { foreign: false, adopted: 0, deferred: 0, listed: false };
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
    return result;
  }
  result.listed = true;
  const unknown = withdrawals.filter(
    (w) => w.currencySymbol === 'BTS' && !(w.clientWithdrawalId && attemptKeyKnown(db, w.clientWithdrawalId.toLowerCase(), rail)),
  );
  const foreign: Withdrawal[] = [];
  let candidates: PayoutRow[] | null = null;
  for (const w of unknown) {
    const ref = refOf(w.cryptoAddressTag);
    const byRef = ref ? payoutByUuid(db, ref) : undefined;
    // Memos another system reads (a top-up's `funding`) carry no reference: try the open payments' derived ids.
    if (!byRef && !ref && !candidates) candidates = openPayoutsForRecovery(db);
    const payment = byRef ?? (ref ? undefined : candidates?.find((c) => derivedFrom(c.uuid, index, w.clientWithdrawalId)));
    if (payment && derivedFrom(payment.uuid, index, w.clientWithdrawalId)) {
      if (
        adoptExchangeWithdrawal(db, payment, {
          rail,
          clientWithdrawalId: w.clientWithdrawalId!.toLowerCase(),
          withdrawalId: w.id,
          status: w.status,
        })
      ) {
        result.adopted++;
        logger.warn(
          { account: index, withdrawalId: w.id, payoutId: payment.id },
          'withdrawal of a payment whose attempt was lost: adopted, not repeated',
        );
      }
      continue;
    }
    if (ref && !byRef && !caughtUp) {
      result.deferred++;
      continue;
    }
    // A top-up executed before this database was restored, whose instruction is too old to run again on replay.
    const topUp = expiredInstructions(db, 'bittrex_to_broker', index).find((a) =>
      derivedFrom(paymentUuid(`admin:${a.source_key}`), index, w.clientWithdrawalId),
    );
    if (topUp) {
      if (!receiptNamesWithdrawal(db, 'withdrawal_explained', w.id)) {
        appendReceipt(db, 0, {
          event: 'withdrawal_explained',
          account: index,
          withdrawalId: w.id,
          instruction: topUp.source_key,
          note: 'a top-up executed before this database was restored (its instruction expired on replay): not repeated',
        });
      }
      continue;
    }
    foreign.push(w);
  }
  if (foreign.length === 0) return result;
  result.foreign = true;
  db.transaction(() => {
    for (const w of foreign) {
      if (alarmRaisedForWithdrawal(db, 'foreign_withdrawal', w.id)) continue;
      appendAlarm(db, 0, 'foreign_withdrawal', {
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
  return result;
}

function derivedFrom(uuid: string, account: number, clientWithdrawalId: string | null | undefined): boolean {
  if (!clientWithdrawalId) return false;
  const id = clientWithdrawalId.toLowerCase();
  for (let n = 1; n <= MAX_DERIVED_ATTEMPTS; n++) if (withdrawalIdOf(uuid, account, n) === id) return true;
  return false;
}
