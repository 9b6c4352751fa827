import type { Database } from 'better-sqlite3';
import type { Config } from '../config/index.js';
import { readCursor } from '../db/cursor.js';
import { brokerLiability } from '../db/liabilities.js';
import { formatBts } from '../domain/money.js';
import { BaseError } from '../errors/BaseError.js';

export type BrokerCover = { balanceSats: bigint; dueSats: bigint; untilMs: number; leftSats: bigint };

/**
 * The CLI's pre-check for broker_to_bittrex (RULES.md "Admin actions"): the broker's balance minus the amount must
 * still cover every payment due in the next `terms.coverDays` days, counted from the listener's last block time
 * (the chain's "now"). The payout engine repeats the check right before it sends, with a fresh balance.
 * @throws BaseError('INVALID_AMOUNT') naming the shortfall
 */
export function checkBrokerCover(db: Database, config: Config, balanceSats: bigint, amountSats: bigint): BrokerCover {
  const libNow = readCursor(db)?.blockTime ?? Date.now();
  const { dueSats, untilMs } = brokerLiability(db, libNow, config.terms.coverDays, -1);
  const leftSats = balanceSats - amountSats;
  if (leftSats < dueSats) {
    throw new BaseError(
      'INVALID_AMOUNT',
      `Refused: moving ${formatBts(amountSats)} BTS would leave ${formatBts(leftSats)} BTS on the broker, less than the ${formatBts(dueSats)} BTS due in the next ${config.terms.coverDays} days.`,
    );
  }
  return { balanceSats, dueSats, untilMs, leftSats };
}
