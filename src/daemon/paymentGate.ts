import type { Readiness } from '../payout/createPayoutEngine.js';

/**
 * When payments may be sent after a start. On an ordinary restart the database holds every attempt ever made, so
 * payments go at once. When it may not (a restored backup, or a database of unknown history) they wait:
 * 1. until the listener has applied every irreversible block (payments made since the copy show up there and are
 *    recognised by the reference in their memo);
 * 2. until the chain has outlived any transaction the lost records could have broadcast (irreversible time past the
 *    head time at start plus the longest expiration we sign), so none can still land after we decide;
 * 3. (in the engine) until every exchange account's withdrawals were listed and matched once.
 */
export function paymentGate(p: {
  /** The database may miss records (restored, of unknown history, or a recovery interrupted by a restart). */
  strict: boolean;
  /** Chain head time when the daemon started, ms. */
  headTimeAtStart: number;
  txExpiresInSec: number;
  caughtUp: () => boolean;
  /** Time of the last block applied, ms. */
  cursorTime: () => number;
}): () => Readiness {
  const { strict } = p;
  const quietUntil = p.headTimeAtStart + p.txExpiresInSec * 1_000;
  return () => {
    if (!strict) return { ready: true, caughtUp: true, strict: false };
    const caughtUp = p.caughtUp();
    if (!caughtUp)
      return {
        ready: false,
        caughtUp,
        strict,
        reason: 'the database may miss payments made since it was copied: catching up with the chain first',
      };
    if (p.cursorTime() < quietUntil) {
      return {
        ready: false,
        caughtUp,
        strict,
        reason: 'waiting until every transaction the lost records could have sent has expired on chain',
      };
    }
    return { ready: true, caughtUp, strict };
  };
}
