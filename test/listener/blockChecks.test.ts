import { afterEach, describe, expect, it } from 'vitest';
import { readCursor } from '../../src/db/cursor.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { BTS, client, type ListenerFixture, startListenerFixture } from '../helpers/listenerFixture.js';
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

/** The listener reads through a lying node first, the honest simulator second. */
async function behindALiar(): Promise<ListenerFixture> {
  return startListenerFixture(
    tempDir(),
    {},
    {
      nodes: async (simUrl) => {
        liar = await startLyingNode(simUrl);
        return [liar.url, simUrl];
      },
    },
  );
}

const count = (sql: string) => (fx!.db.prepare(sql).get() as { n: number }).n;
const alarms = () =>
  (fx!.db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'alarm'`).all() as { msg: string }[]).map(
    (r) => JSON.parse(r.msg) as Record<string, unknown>,
  );

/** Sends one invalid transfer (a refund is owed) and returns the number of the block that holds it. */
async function oneRefundOwed(f: ListenerFixture): Promise<number> {
  client(f.sim, 'alice');
  f.sim.produceBlocks(2); // blocks before it are scanned too
  await f.sim.clientTransfer({ from: 'alice', to: 'stakebts-broker', amountSats: BTS(500), memo: 'not a stake' });
  f.sim.produceBlocks(1);
  const [t] = f.sim.transfersTo('stakebts-broker');
  return t!.blockNum;
}

describe('the block the scanner applies is the block it asked for', () => {
  it('a node that answers get_block(n) with block n+1 is a node fault: the other node is used, nothing applies twice', async () => {
    fx = await behindALiar();
    const target = await oneRefundOwed(fx);
    liar!.rewrite = async (call, result, ask) =>
      call.method === 'get_block' && Number(call.params[0]) === target - 1 ? ask('get_block', [target]) : result;
    fx.sim.produceBlocks(6);
    await fx.scanner.scanOnce().catch(() => undefined);
    await fx.scanner.scanOnce();
    expect(readCursor(fx.db)?.blockNum).toBe(fx.sim.lastIrreversibleBlockNumber);
    expect(count('SELECT count(*) AS n FROM processed_ops')).toBe(1);
    expect(count(`SELECT count(*) AS n FROM payouts WHERE purpose = 'refund'`)).toBe(1);
    expect(alarms()).toEqual([expect.objectContaining({ kind: 'node_fault', block: target - 1 })]);
    expect(verifyReceiptChain(fx.db).ok).toBe(true);
  });

  it('a broken previous link is refused (older-node shape, no block_id): the honest node’s block is applied', async () => {
    fx = await behindALiar();
    const target = await oneRefundOwed(fx);
    liar!.rewrite = (call, result) => {
      if (call.method !== 'get_block' || Number(call.params[0]) !== target || result === null) return undefined;
      const b = { ...(result as Record<string, unknown>) };
      delete b.block_id;
      delete b.signing_key;
      delete b.transaction_ids;
      b.previous = `${(target - 1).toString(16).padStart(8, '0')}${'ab'.repeat(16)}`;
      return b;
    };
    fx.sim.produceBlocks(6);
    await fx.scanner.scanOnce().catch(() => undefined);
    await fx.scanner.scanOnce();
    expect(readCursor(fx.db)?.blockNum).toBe(fx.sim.lastIrreversibleBlockNumber);
    expect(count('SELECT count(*) AS n FROM processed_ops')).toBe(1);
    expect(alarms().map((a) => a.kind)).toContain('node_fault');
  });

  it('null for an irreversible block is a node fault: the next node is tried and the desk does not stall', async () => {
    fx = await behindALiar();
    await oneRefundOwed(fx);
    liar!.rewrite = (call, result) => (call.method === 'get_block' ? null : result);
    fx.sim.produceBlocks(6);
    await fx.scanner.scanOnce();
    expect(readCursor(fx.db)?.blockNum).toBe(fx.sim.lastIrreversibleBlockNumber);
    expect(count('SELECT count(*) AS n FROM processed_ops')).toBe(1);
  });

  it('the cursor keeps the id of the last applied block, and a restart checks the next block against it', async () => {
    fx = await startListenerFixture(tempDir());
    await oneRefundOwed(fx);
    fx.sim.produceBlocks(6);
    await fx.scanner.scanOnce();
    const cursor = readCursor(fx.db);
    const block = await fx.node.getBlock(cursor!.blockNum);
    expect(cursor?.blockId).toBe(block?.blockId);
  });
});
