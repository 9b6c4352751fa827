import type { HealthFacts } from '../db/health.js';

export type HealthInput = HealthFacts & {
  /** Blocks between the irreversible head and the cursor; null when no node answered (or it was not asked). */
  lagBlocks: number | null;
  /** False when every configured node failed to answer; null when nodes were not asked (--offline). */
  nodeReachable: boolean | null;
  now: number;
};

export type HealthLimits = {
  /** Lag above this many irreversible blocks is unhealthy (100 blocks: 5 minutes at 3 s a block). @default 100 */
  maxLagBlocks?: number;
  /** A payment uncertain for longer than this is unhealthy. @default 3_600_000 (one hour) */
  maxUncertainMs?: number;
};

export type Health = { ok: boolean; reasons: string[] };

/**
 * Healthy or not, with one sentence per reason (for `status`, exit 1, and `/healthz`, 503): lag above the
 * threshold, no node reachable, a payment uncertain for over an hour, an alarm raised since the last start.
 */
export function assessHealth(input: HealthInput, { maxLagBlocks = 100, maxUncertainMs = 3_600_000 }: HealthLimits = {}): Health {
  const reasons: string[] = [];
  if (input.nodeReachable === false) reasons.push('no node reachable');
  if (input.lagBlocks !== null && input.lagBlocks > maxLagBlocks) {
    reasons.push(`listener lags ${input.lagBlocks} irreversible blocks behind (more than ${maxLagBlocks})`);
  }
  if (input.oldestUncertainAt !== null && input.now - input.oldestUncertainAt > maxUncertainMs) {
    const minutes = Math.floor((input.now - input.oldestUncertainAt) / 60_000);
    reasons.push(`a payment has been uncertain for ${minutes} minutes (more than ${Math.floor(maxUncertainMs / 60_000)})`);
  }
  for (const a of input.alarmsSinceStart) reasons.push(`alarm ${a.kind} raised (${a.count}x since the last start)`);
  return { ok: reasons.length === 0, reasons };
}
