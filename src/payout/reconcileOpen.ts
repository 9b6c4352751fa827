import { resetOrphanedPayment } from '../db/paymentTransitions.js';
import { liveAttemptOf } from '../db/payoutAttempts.js';
import type { PayoutRow } from '../db/payouts.js';
import type { EngineContext } from './types.js';
import { runJob } from './workerJobs.js';

export type ReconcileOutcome = 'paid' | 'expired' | 'cancelled' | 'failed' | 'reset' | 'open';

/**
 * Resolves one payment in flight on the rail and with the key of its live attempt (rule 8: before any new send).
 * A payment marked in flight without a live attempt cannot have sent anything (nothing is sent before its
 * attempt is committed), so it is due again.
 */
export async function reconcileOpen(ctx: EngineContext, p: PayoutRow): Promise<ReconcileOutcome> {
  const a = liveAttemptOf(ctx.db, p.id);
  if (!a) return resetOrphanedPayment(ctx.db, p) ? 'reset' : 'open';
  const rail = ctx.rails.get(a.rail);
  if (!rail) {
    ctx.logger.error({ payoutId: p.id, rail: a.rail }, 'live attempt on a rail that is not configured; left for a human');
    return 'open';
  }
  try {
    return await rail.reconcile(p, a, (job) => runJob(ctx.runner, job));
  } catch (err) {
    ctx.logger.warn(
      { payoutId: p.id, rail: a.rail, err: err instanceof Error ? err.message.split('\n')[0] : String(err) },
      'reconciliation failed; retried next cycle',
    );
    return 'open';
  }
}
