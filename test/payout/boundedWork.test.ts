import { afterEach, describe, expect, it } from 'vitest';
import { btsToSats } from '../../src/domain/money.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, payoutStates, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** `n` invalid transfers from alice: `n` refunds of 50 BTS due at once. */
async function refundsDue(harness: Harness, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await harness.chain.clientTransfer({ from: 'alice', to: 'broker', amountSats: btsToSats(100), memo: `not a stake ${i}` });
  }
  harness.chain.produceBlocks(4);
  await harness.scanner.scanOnce();
  expect(payoutStates(harness.db)).toEqual({ pending: n });
}

const attemptsCreatedAfter = (harness: Harness, t: number) =>
  (harness.db.prepare('SELECT count(*) AS n FROM payout_attempts WHERE created_at > ?').get(t) as { n: number }).n;
const attempts = (harness: Harness) => (harness.db.prepare('SELECT count(*) AS n FROM payout_attempts').get() as { n: number }).n;

describe('bounded work, prompt shutdown', () => {
  it('after the stop signal no new attempt starts; attempts in flight finish; the loop ends within the worker time limit', async () => {
    h = await startHarness({
      dir: tempDir(),
      config: { payout: { timeoutMs: 5_000, concurrency: 4, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 } },
    });
    await refundsDue(h, 200);
    const controller = new AbortController();
    const run = h.engine.run(controller.signal);
    const t0 = Date.now();
    while (attempts(h) < 4 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const abortedAt = Date.now();
    await run;
    const stoppedIn = Date.now() - abortedAt;
    expect(stoppedIn).toBeLessThan(5_000 + 1_000);
    expect(attemptsCreatedAfter(h, abortedAt)).toBe(0);
    expect(attempts(h)).toBeLessThan(200);
    // Nothing is lost: every attempt started is accounted for, the rest is still pending for the next start.
    const states = payoutStates(h.db);
    expect((states.pending ?? 0) + (states.submitted ?? 0) + (states.unknown ?? 0) + (states.sending ?? 0)).toBe(200);
  }, 120_000);

  it('a cycle starts at most payout.maxStartsPerCycle payments, so reconciliation of what was sent is never starved', async () => {
    h = await startHarness({
      dir: tempDir(),
      config: {
        payout: { timeoutMs: 10_000, concurrency: 4, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000, maxStartsPerCycle: 10 },
      },
    });
    await refundsDue(h, 30);
    const first = await h.engine.runCycle();
    expect(first.executed.sent).toBe(10);
    expect(attempts(h)).toBe(10);
    // The next cycles reconcile what was sent (paid once irreversible) before starting the next ten.
    const second = await h.step(3);
    expect(second.reconciled.paid).toBe(10);
    expect(second.executed.sent).toBe(10);
    await h.until(() => (payoutStates(h!.db).paid ?? 0) === 30, 10, 3);
    expect(h.paidTo('alice')).toHaveLength(30);
  }, 120_000);
});
