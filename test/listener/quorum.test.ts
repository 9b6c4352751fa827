import { afterEach, describe, expect, it } from 'vitest';
import { encryptMemo } from '../../src/chain/bitshares/index.js';
import { readCursor } from '../../src/db/cursor.js';
import { client, type ListenerFixture, startListenerFixture } from '../helpers/listenerFixture.js';
import { type LyingNode, startLyingNode } from '../helpers/lyingNode.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
let fx: ListenerFixture | undefined;
let liar: LyingNode | undefined;
afterEach(async () => {
  await fx?.close();
  await liar?.close();
  fx = undefined;
  liar = undefined;
});

const count = (sql: string) => (fx!.db.prepare(sql).get() as { n: number }).n;
const alarms = () =>
  (fx!.db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'alarm'`).all() as { msg: string }[]).map(
    (r) => JSON.parse(r.msg) as Record<string, unknown>,
  );

/**
 * A malicious node (or anyone in the middle of a plain link) keeps a real block's header and id and slips in a
 * transfer of 10 000 000 BTS to the broker from its own account, with a real encrypted `twelve_months` memo: a stake
 * that was never made, whose later stop would pay out 8.5 million BTS.
 */
async function withInventedStake(quorum: number): Promise<{ target: number }> {
  fx = await startListenerFixture(
    tempDir(),
    { quorum },
    {
      nodes: async (simUrl) => {
        liar = await startLyingNode(simUrl);
        return [liar.url, simUrl];
      },
    },
  );
  const mallory = client(fx.sim, 'mallory', 10);
  fx.sim.produceBlocks(3);
  const target = fx.sim.headBlockNumber;
  const broker = fx.broker;
  const memo = encryptMemo({ fromWif: mallory.memoWif, toPub: broker.memoPub, text: '{"type":"twelve_months"}' });
  const fake = {
    ref_block_num: target - 1,
    ref_block_prefix: 12345,
    expiration: '2030-01-01T00:00:00',
    operations: [
      [
        0,
        {
          fee: { amount: 45_000, asset_id: '1.3.0' },
          from: mallory.id,
          to: broker.id,
          amount: { amount: '1000000000000', asset_id: '1.3.0' },
          memo,
          extensions: [],
        },
      ],
    ],
    extensions: [],
    signatures: [],
    operation_results: [[0, {}]],
  };
  liar!.rewrite = (call, result) => {
    if (call.method !== 'get_block' || Number(call.params[0]) !== target || result === null) return undefined;
    const b = result as { transactions: unknown[]; transaction_ids?: string[] };
    return {
      ...b,
      transactions: [...b.transactions, fake],
      ...(b.transaction_ids ? { transaction_ids: [...b.transaction_ids, 'ab'.repeat(20)] } : {}),
    };
  };
  fx.sim.produceBlocks(6);
  return { target };
}

describe('no single node is trusted with money', () => {
  it('with quorum 1 the invented stake would be believed (the threat this guards against)', async () => {
    await withInventedStake(1);
    await fx!.scanner.scanOnce();
    expect(fx!.db.prepare('SELECT user, amount FROM contracts').all()).toEqual([{ user: 'mallory', amount: 10_000_000 }]);
  });

  it('with quorum 2 the other node disagrees: nothing of that block is applied, an alarm is raised; honest again, it applies', async () => {
    const { target } = await withInventedStake(2);
    for (let i = 0; i < 3; i++) await fx!.scanner.scanOnce().catch(() => undefined);
    expect(count('SELECT count(*) AS n FROM contracts')).toBe(0);
    expect(count('SELECT count(*) AS n FROM processed_ops')).toBe(0);
    expect(readCursor(fx!.db)?.blockNum ?? 0).toBeLessThan(target);
    const raised = alarms().filter((a) => a.kind === 'node_disagreement');
    expect(raised).toEqual([expect.objectContaining({ block: target })]);
    expect(raised[0]!.disagreeing).toEqual([expect.objectContaining({ node: expect.stringContaining('127.0.0.1') })]);
    // The lie stops: the block is applied as it really is (nothing of the broker's in it).
    liar!.rewrite = () => undefined;
    await fx!.scanner.scanOnce();
    expect(readCursor(fx!.db)?.blockNum).toBe(fx!.sim.lastIrreversibleBlockNumber);
    expect(count('SELECT count(*) AS n FROM contracts')).toBe(0);
  });

  it('with quorum 2 a real deposit is applied once both nodes return it', async () => {
    fx = await startListenerFixture(
      tempDir(),
      { quorum: 2 },
      { nodes: async (simUrl) => [simUrl, simUrl.replace('127.0.0.1', 'localhost')] },
    );
    client(fx.sim, 'alice');
    await fx.sim.clientTransfer({ from: 'alice', to: 'stakebts-broker', amountSats: 2_500_000_000n, memo: 'three_months' });
    await fx.settle();
    expect(fx.db.prepare('SELECT user, amount FROM contracts').all()).toEqual([{ user: 'alice', amount: 25_000 }]);
    expect(alarms()).toEqual([]);
  });
});
