import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BlockHeaderJson, computeBlockId } from '../../src/chain/bitshares/blockId.js';
import { createNodeClient } from '../../src/chain/nodeClient/index.js';
import { parseConfig } from '../../src/config/index.js';
import { readHistoryCursor } from '../../src/db/catchup.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { BlockScanner } from '../../src/listener/BlockScanner.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { type LyingNode, type Rewrite, startLyingNode } from '../helpers/lyingNode.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const BLOCKS = 1_000;
const STAKE = 2_500_000_000n; // 25 000 BTS
const transfers = [100, 400, 700].map((block, i) => ({ block, from: `client-${i}`, amountSats: STAKE, memo: '{"type":"six_months"}' }));
const TARGET = 400;

/** History-first catch-up through a lying node (asked first) and the honest simulator behind it. */
async function behindALiar(rewrite: Rewrite) {
  const sim = await startChainSimulator({
    blockIntervalMs: 0,
    irreversibleLag: 0,
    historyApi: true,
    syntheticHistory: { blocks: BLOCKS, broker: 'stakebts-broker', seed: 9, opsPerBlock: 2, transfersToBroker: transfers },
  });
  closers.push(() => sim.close());
  const liar: LyingNode = await startLyingNode(sim.url, rewrite);
  closers.push(() => liar.close());
  const dbPath = join(tempDir(), 'db.sqlite');
  const db = openDatabase(dbPath);
  closers.push(() => {
    db.close();
  });
  const nodes = [liar.url, sim.url];
  const config = parseConfig({ db: dbPath, nodes, chainId: sim.chainId, broker: 'stakebts-broker', startBlock: 1 });
  const node = createNodeClient({ urls: nodes, expectedChainId: sim.chainId, callTimeoutMs: 5_000 });
  closers.push(() => node.close());
  const broker = sim.account('stakebts-broker')!;
  const scanner = new BlockScanner({
    db,
    node,
    config,
    broker: { id: broker.id, memoWif: broker.memoWif },
    managerIds: new Set(),
    fundingIds: new Set(),
    window: 4,
  });
  const ok = await scanner.historyOnce();
  const amounts = (
    db.prepare('SELECT block_num, amount_sats FROM processed_ops ORDER BY block_num').all() as Array<{
      block_num: number;
      amount_sats: unknown;
    }>
  ).map((r) => [r.block_num, BigInt(String(r.amount_sats))]);
  const alarms = (db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'alarm'`).all() as { msg: string }[]).map(
    (r) => JSON.parse(r.msg) as Record<string, unknown>,
  );
  return { ok, amounts, alarms, historyBlock: readHistoryCursor(db).blockNum, brokerId: broker.id };
}

/** Block TARGET with the broker's transfer doubled, its header hashed anew (a block id that is consistent in itself). */
const forgedBody: Rewrite = (call, result) => {
  if (call.method !== 'get_block' || Number(call.params[0]) !== TARGET || result === null) return undefined;
  const b = structuredClone(result) as Record<string, any>;
  for (const tx of b.transactions) {
    for (const [type, op] of tx.operations) if (type === 0) op.amount.amount = Number(op.amount.amount) * 2;
  }
  b.transaction_merkle_root = 'cd'.repeat(20);
  b.block_id = computeBlockId(b as BlockHeaderJson);
  return b;
};

describe('blocks fetched for the history path are linked to the chain', () => {
  it('a forged body under a header hashed anew is refused: alarm, not applied, the honest node’s block applied once', async () => {
    const r = await behindALiar(forgedBody);
    expect(r.alarms).toContainEqual(expect.objectContaining({ kind: 'node_fault', block: TARGET }));
    expect(String(r.alarms.find((a) => a.block === TARGET)?.fault)).toContain(`is not the previous of block ${TARGET + 1}`);
    expect(r.ok).toBe(true);
    expect(r.amounts).toEqual(transfers.map((t) => [t.block, STAKE]));
    expect(r.historyBlock).toBe(BLOCKS);
  });

  it('a wrong block id is refused: alarm, not applied, the honest node’s block applied once', async () => {
    const r = await behindALiar((call, result) => {
      if (call.method !== 'get_block' || Number(call.params[0]) !== TARGET || result === null) return undefined;
      return { ...(result as Record<string, unknown>), block_id: `${TARGET.toString(16).padStart(8, '0')}${'ef'.repeat(16)}` };
    });
    expect(r.alarms).toContainEqual(expect.objectContaining({ kind: 'node_fault', block: TARGET }));
    expect(r.ok).toBe(true);
    expect(r.amounts).toEqual(transfers.map((t) => [t.block, STAKE]));
  });

  it('a header of the next block that names another block is refused too (the link is asked, not assumed)', async () => {
    const r = await behindALiar((call, result) => {
      if (call.method !== 'get_block_header' || Number(call.params[0]) !== TARGET + 1 || result === null) return undefined;
      return { ...(result as Record<string, unknown>), previous: `${TARGET.toString(16).padStart(8, '0')}${'12'.repeat(16)}` };
    });
    expect(r.alarms).toContainEqual(expect.objectContaining({ kind: 'node_fault', block: TARGET }));
    expect(r.amounts).toEqual(transfers.map((t) => [t.block, STAKE]));
  });
});
