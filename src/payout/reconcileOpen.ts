import { liveAttemptOf } from '../db/payoutAttempts.js';
import type { PayoutRow } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import { reconcileBittrex } from './bittrexRail.js';
import { BROKER_RAIL, reconcileChain } from './chainRail.js';
import type { EngineContext } from './types.js';

export type ReconcileOutcome = 'paid' | 'expired' | 'cancelled' | 'failed' | 'reset' | 'open';

/** Every payment in flight (sending / unknown / submitted), oldest first. */
export function openPayouts(ctx: EngineContext): PayoutRow[] {
  return ctx.db.prepare(`SELECT * FROM payouts WHERE state IN ('sending', 'unknown', 'submitted') ORDER BY id`).all() as PayoutRow[];
}

/**
 * Resolves one payment in flight on the rail and with the key of its live attempt (rule 8: before any new send).
 * A payment marked in flight without a live attempt cannot have sent anything (nothing is sent before its
 * attempt is committed), so it is due again.
 */
export async function reconcileOpen(ctx: EngineContext, p: PayoutRow): Promise<ReconcileOutcome> {
  const a = liveAttemptOf(ctx.db, p.id);
  if (!a) {
    const reset = ctx.db
      .transaction(() => {
        const info = ctx.db
          .prepare(`UPDATE payouts SET state = 'pending', updated_at = ? WHERE id = ? AND state IN ('sending', 'unknown', 'submitted')`)
          .run(Date.now(), p.id);
        if (info.changes === 1)
          appendReceipt(ctx.db, p.contract_id ?? 0, { event: 'payout_reset', payoutId: p.id, reason: 'in flight without a live attempt' });
        return info.changes === 1;
      })
      .immediate();
    return reset ? 'reset' : 'open';
  }
  try {
    return a.rail === BROKER_RAIL ? await reconcileChain(ctx, p, a) : await reconcileBittrex(ctx, p, a);
  } catch (err) {
    ctx.logger.warn(
      { payoutId: p.id, rail: a.rail, err: err instanceof Error ? err.message.split('\n')[0] : String(err) },
      'reconciliation failed; retried next cycle',
    );
    return 'open';
  }
}
