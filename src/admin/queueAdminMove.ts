import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Config } from '../config/index.js';
import { getPayout } from '../db/payouts.js';
import { type AdminMove as PlannedMove, planAdminMove } from '../domain/planAdminMove.js';
import { applyEffects } from '../ledger/applyEffects.js';
import { treasuryFacts } from '../ledger/treasuryFacts.js';

export type AdminMove = Omit<PlannedMove, 'sourceKey'> & {
  /** What makes the instruction unique. @default `cli:<uuid>` */
  sourceKey?: string;
};

export type QueuedAdminMove = { payoutId: number; sourceKey: string; uuid: string };

/**
 * Queues a manager fund move from the CLI (an admin memo is planned by the listener's planner the same way,
 * src/domain/planIncoming.ts): the effects of src/domain/planAdminMove.ts, applied in one transaction. The running
 * daemon's payout loop executes it; for broker_to_bittrex the loop re-checks the liability before sending.
 * @throws BaseError('USAGE') for an unconfigured account or an amount under the admin minimum
 */
export function queueAdminMove(db: Database, config: Config, move: AdminMove): QueuedAdminMove {
  const sourceKey = move.sourceKey ?? `cli:${randomUUID()}`;
  const effects = planAdminMove(treasuryFacts(config), config.terms, { ...move, sourceKey });
  return db
    .transaction((): QueuedAdminMove => {
      const { payoutId } = applyEffects(db, effects);
      const payout = payoutId === null ? undefined : getPayout(db, payoutId);
      if (!payout) throw new Error(`admin move ${sourceKey} queued no payment`);
      return { payoutId: payout.id, sourceKey, uuid: payout.uuid };
    })
    .immediate();
}
