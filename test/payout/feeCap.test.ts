import { afterEach, describe, expect, it } from 'vitest';
import { btsToSats } from '../../src/domain/money.js';
import { type LyingNode, startLyingNode } from '../helpers/lyingNode.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, payoutStates, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
let liar: LyingNode | undefined;
afterEach(async () => {
  await h?.close();
  await liar?.close();
  h = undefined;
  liar = undefined;
});

const events = (harness: Harness, event: string) =>
  (harness.db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = ?`).all(event) as { msg: string }[]).map(
    (r) => JSON.parse(r.msg) as Record<string, unknown>,
  );

/** The node quotes 1 000 BTS for a transfer: paid as quoted, each payment would drain the broker through fees. */
const greedy = (call: { method: string }, result: unknown) =>
  call.method === 'get_required_fees' ? (result as Array<{ asset_id: string }>).map((f) => ({ ...f, amount: '100000000' })) : undefined;

describe('a fee quote above payout.maxFeeSats is refused', () => {
  it('the greedy node’s quote is refused with a receipt and the next node’s quote is used', async () => {
    h = await startHarness({
      dir: tempDir(),
      config: { payout: { rails: ['broker'], timeoutMs: 5_000, concurrency: 1, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 } },
      nodesFor: async (url) => {
        liar = await startLyingNode(url, greedy);
        return [liar.url, url];
      },
    });
    await h.chain.clientTransfer({ from: 'alice', to: 'broker', amountSats: btsToSats(500), memo: 'not a stake' });
    await h.until(() => h!.paidTo('alice').length === 1, 10);
    const [refund] = h.paidTo('alice');
    expect(refund?.amountSats).toBe(btsToSats(450));
    expect(refund!.feeSats).toBeLessThanOrEqual(BigInt(h.config.payout.maxFeeSats));
    expect(events(h, 'fee_refused')).toEqual([
      expect.objectContaining({ node: liar!.url, feeSats: '100000000', capSats: h.config.payout.maxFeeSats }),
    ]);
  }, 60_000);

  it('when every node quotes above the cap nothing is sent: the payment waits', async () => {
    h = await startHarness({
      dir: tempDir(),
      config: { payout: { rails: ['broker'], timeoutMs: 5_000, concurrency: 1, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 } },
      nodesFor: async (url) => {
        liar = await startLyingNode(url, greedy);
        return [liar.url];
      },
    });
    await h.chain.clientTransfer({ from: 'alice', to: 'broker', amountSats: btsToSats(500), memo: 'not a stake' });
    for (let i = 0; i < 5; i++) await h.step(1);
    expect(h.paidTo('alice')).toEqual([]);
    expect(payoutStates(h.db)).toEqual({ pending: 1 });
    expect(h.db.prepare('SELECT count(*) AS n FROM payout_attempts').get()).toEqual({ n: 0 });
    expect(events(h, 'fee_refused').length).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
