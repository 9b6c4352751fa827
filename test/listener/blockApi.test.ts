import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../src/chain/nodeClient/index.js';
import { parseConfig } from '../../src/config/index.js';
import { readCursor } from '../../src/db/cursor.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { BlockScanner } from '../../src/listener/BlockScanner.js';
import { type ChainSimOptions, type ChainSimulator, startChainSimulator } from '../../src/sim/chain/index.js';
import { BTS, client, type ListenerFixture, startListenerFixture } from '../helpers/listenerFixture.js';
import { type LyingNode, startLyingNode } from '../helpers/lyingNode.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const BLOCKS = 2_000;
const STAKE = 2_500_000_000n;
const transfers = Array.from({ length: 30 }, (_, i) => ({
  block: 15 + i * 61,
  from: `client-${i % 4}`,
  amountSats: STAKE,
  memo: '{"type":"six_months"}',
}));

/** Scans a synthetic history to its irreversible head and tells what was applied and how many block calls it took. */
async function scanAll(sim: Partial<ChainSimOptions>) {
  const s = await startChainSimulator({
    blockIntervalMs: 0,
    irreversibleLag: 0,
    genesisTimeMs: 1_700_000_000_000, // both chains alike, block for block
    syntheticHistory: { blocks: BLOCKS, broker: 'stakebts-broker', seed: 3, opsPerBlock: 2, transfersToBroker: transfers },
    ...sim,
  });
  closers.push(() => s.close());
  const dbPath = join(tempDir(), 'db.sqlite');
  const db = openDatabase(dbPath);
  closers.push(() => {
    db.close();
  });
  const config = parseConfig({ db: dbPath, nodes: [s.url], chainId: s.chainId, broker: 'stakebts-broker', startBlock: 1 });
  const node = createNodeClient({ urls: [s.url], expectedChainId: s.chainId, callTimeoutMs: 5_000 });
  closers.push(() => node.close());
  const broker = s.account('stakebts-broker')!;
  const scanner = new BlockScanner({
    db,
    node,
    config,
    broker: { id: broker.id, memoWif: broker.memoWif },
    managerIds: new Set(),
    fundingIds: new Set(),
    window: 8,
  });
  const round = await scanner.scanOnce();
  const ops = db.prepare('SELECT block_num, trx_in_block, op_in_trx FROM processed_ops ORDER BY 1, 2, 3').all();
  return { round, ops, blockCalls: scanner.calls.blocks, hasBlockApi: await node.hasBlockApi(), cursor: readCursor(db) };
}

describe('block_api.get_blocks where the node grants it', () => {
  it('reads the same blocks and applies the same operations in far fewer calls; without it, one get_block a block', async () => {
    const without = await scanAll({});
    const withApi = await scanAll({ blockApi: true });
    expect(without.hasBlockApi).toBe(false);
    expect(withApi.hasBlockApi).toBe(true);
    expect(without.round.to).toBe(BLOCKS);
    expect(withApi.round.to).toBe(BLOCKS);
    expect(without.ops).toHaveLength(transfers.length);
    expect(withApi.ops).toEqual(without.ops);
    expect(withApi.cursor).toEqual(without.cursor);
    // Without the block api: every block is one get_block (the irreversible head read first, once).
    expect(without.blockCalls).toBe(BLOCKS);
    // With it: ranges of up to 50 blocks, plus the irreversible head.
    expect(withApi.blockCalls).toBeLessThanOrEqual(Math.ceil((BLOCKS - 1) / 50) + 1 + 2);
  });
});

describe('a node lying in its get_blocks answer', () => {
  let fx: ListenerFixture | undefined;
  let liar: LyingNode | undefined;
  afterEach(async () => {
    await fx?.close();
    await liar?.close();
    fx = undefined;
    liar = undefined;
  });

  it('a block whose previous does not link to the block before it is refused as for get_block: alarm, the honest node’s block applied once', async () => {
    fx = await startListenerFixture(
      tempDir(),
      {},
      {
        sim: { blockApi: true },
        nodes: async (simUrl) => {
          liar = await startLyingNode(simUrl);
          return [liar.url, simUrl];
        },
      },
    );
    client(fx.sim, 'alice');
    fx.sim.produceBlocks(2);
    await fx.sim.clientTransfer({ from: 'alice', to: 'stakebts-broker', amountSats: BTS(500), memo: 'not a stake' });
    fx.sim.produceBlocks(1);
    const target = fx.sim.transfersTo('stakebts-broker')[0]!.blockNum;
    liar!.rewrite = (call, result) => {
      if (call.method !== 'get_blocks' || !Array.isArray(result)) return undefined;
      const from = Number(call.params[0]);
      const i = target - from;
      if (i < 0 || i >= result.length) return undefined;
      const forged = [...result];
      // Numbered right (block target − 1), so only the link to the block applied before it can show the lie.
      forged[i] = {
        ...(result[i] as Record<string, unknown>),
        previous: `${(target - 1).toString(16).padStart(8, '0')}${'ab'.repeat(16)}`,
      };
      return forged;
    };
    fx.sim.produceBlocks(6);
    await fx.scanner.scanOnce().catch(() => undefined);
    expect(liar!.calls.get('get_blocks')).toBeGreaterThan(0);
    expect(liar!.calls.get('get_block') ?? 0).toBeLessThanOrEqual(1); // the irreversible head alone
    await fx.scanner.scanOnce();
    expect(readCursor(fx.db)?.blockNum).toBe(fx.sim.lastIrreversibleBlockNumber);
    const n = (sql: string) => (fx!.db.prepare(sql).get() as { n: number }).n;
    expect(n('SELECT count(*) AS n FROM processed_ops')).toBe(1);
    expect(n(`SELECT count(*) AS n FROM payouts WHERE purpose = 'refund'`)).toBe(1);
    const alarms = (fx.db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'alarm'`).all() as { msg: string }[]).map(
      (r) => JSON.parse(r.msg) as Record<string, unknown>,
    );
    expect(alarms).toContainEqual(expect.objectContaining({ kind: 'node_fault', block: target }));
  });
});

describe('nodes of which only some grant the block api', () => {
  /** Two nodes of one chain, block for block: the first (and so current) without the block api, the second with it. */
  async function mixedNodes() {
    const history = { blocks: 600, broker: 'stakebts-broker', seed: 5, opsPerBlock: 2, transfersToBroker: transfers.slice(0, 8) };
    const sims = await Promise.all(
      [false, true].map((blockApi) =>
        startChainSimulator({
          blockIntervalMs: 0,
          irreversibleLag: 0,
          genesisTimeMs: 1_700_000_000_000,
          syntheticHistory: history,
          blockApi,
        }),
      ),
    );
    const [bare, granting] = sims as [ChainSimulator, ChainSimulator];
    closers.push(() => bare.close());
    closers.push(() => granting.close());
    expect(granting.chainId).toBe(bare.chainId);
    const dbPath = join(tempDir(), 'db.sqlite');
    const db = openDatabase(dbPath);
    closers.push(() => {
      db.close();
    });
    const failed: { url: string; method: string }[] = [];
    const urls = [bare.url, granting.url];
    const config = parseConfig({ db: dbPath, nodes: urls, chainId: bare.chainId, broker: 'stakebts-broker', startBlock: 1 });
    const node = createNodeClient({
      urls,
      expectedChainId: bare.chainId,
      callTimeoutMs: 5_000,
      rpc: { reconnectAttempts: 0 },
      onResponse: (info) => {
        if (!info.ok) failed.push({ url: info.url, method: info.method });
      },
    });
    closers.push(() => node.close());
    const broker = bare.account('stakebts-broker')!;
    const scanner = new BlockScanner({
      db,
      node,
      config,
      broker: { id: broker.id, memoWif: broker.memoWif },
      managerIds: new Set(),
      fundingIds: new Set(),
      window: 8,
    });
    const ops = () => db.prepare('SELECT block_num, trx_in_block, op_in_trx FROM processed_ops ORDER BY 1, 2, 3').all();
    const alarms = () =>
      (db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'alarm'`).all() as { msg: string }[]).map(
        (r) => JSON.parse(r.msg) as Record<string, unknown>,
      );
    const bareState = () => node.rpc.nodeStates().find((s) => s.url === bare.url)!;
    return { bare, granting, db, node, scanner, failed, ops, alarms, bareState };
  }

  it('a get_blocks call never cools down or fails the node without the api: it is served by the node that grants it', async () => {
    const m = await mixedNodes();
    const round = await m.scanner.scanOnce();
    expect(round.to).toBe(600);
    expect(readCursor(m.db)?.blockNum).toBe(600);
    expect(m.ops()).toHaveLength(8);
    expect(new Set(m.ops().map((o) => JSON.stringify(o))).size).toBe(8);
    expect(m.scanner.calls.blocks).toBeLessThanOrEqual(Math.ceil(599 / 50) + 1 + 2); // ranges: the granting node served them
    expect(m.failed.filter((f) => f.url === m.bare.url)).toEqual([]);
    expect(m.bareState()).toMatchObject({ failures: 0, downUntil: 0 });
    expect(m.alarms().filter((a) => a.kind === 'node_fault')).toEqual([]);
  });

  it('when the node that grants it goes away, the range is read with get_block from the node without it, each op applied once', async () => {
    const m = await mixedNodes();
    const first = await m.scanner.scanOnce(undefined, { maxBlocks: 200 });
    expect(first.to).toBe(200);
    const before = m.ops().length;
    await m.granting.close(); // the scanner still believes a node grants the block api (learned once a minute)
    const second = await m.scanner.scanOnce();
    expect(second.to).toBe(600);
    expect(readCursor(m.db)?.blockNum).toBe(600);
    expect(before).toBeGreaterThan(0);
    expect(m.ops()).toHaveLength(8);
    expect(new Set(m.ops().map((o) => JSON.stringify(o))).size).toBe(8);
    expect(m.failed.filter((f) => f.url === m.bare.url)).toEqual([]);
    expect(m.bareState()).toMatchObject({ failures: 0, downUntil: 0 });
    expect(m.alarms().filter((a) => a.kind === 'node_fault')).toEqual([]);
  });
});
