import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeClient, type NodeClient } from '../../src/chain/nodeClient/index.js';
import { RpcTransportError } from '../../src/chain/rpc/index.js';
import { parseConfig } from '../../src/config/index.js';
import { readCatchUp, readHistoryCursor } from '../../src/db/catchup.js';
import { readCursor } from '../../src/db/cursor.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { AdaptiveWindow, classifyCallError } from '../../src/listener/adaptiveWindow.js';
import { BlockScanner } from '../../src/listener/BlockScanner.js';
import { type ChainSimOptions, type ChainSimulator, startChainSimulator } from '../../src/sim/chain/index.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const BLOCKS = 3_000;
const STAKE = 2_500_000_000n; // 25 000 BTS, an allowed amount

/** Planted broker transfers: one every 10 blocks from block 20, with pairs in one block where asked. */
function plan(count: number, sameBlockPairs: number[] = []) {
  const blocks = Array.from({ length: count }, (_, i) => 20 + i * 10);
  for (const i of sameBlockPairs) blocks[i + 1] = blocks[i]!;
  return blocks.map((block, i) => ({ block, from: `client-${i % 7}`, amountSats: STAKE, memo: '{"type":"six_months"}' }));
}

type Env = { sim: ChainSimulator; scanner: BlockScanner; db: ReturnType<typeof openDatabase>; node: NodeClient };

async function setup(
  transfers: ReturnType<typeof plan>,
  sim: Partial<ChainSimOptions> = {},
  cfg: Record<string, unknown> = {},
  scannerWindow?: number,
): Promise<Env> {
  const s = await startChainSimulator({
    blockIntervalMs: 0,
    irreversibleLag: 0,
    syntheticHistory: { blocks: BLOCKS, broker: 'stakebts-broker', seed: 5, opsPerBlock: 2, transfersToBroker: transfers },
    ...sim,
  });
  closers.push(() => s.close());
  const dbPath = join(tempDir(), 'db.sqlite');
  const db = openDatabase(dbPath);
  closers.push(() => {
    db.close();
  });
  const config = parseConfig({ db: dbPath, nodes: [s.url], chainId: s.chainId, broker: 'stakebts-broker', startBlock: 1, ...cfg });
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
    ...(scannerWindow === undefined ? {} : { window: scannerWindow }),
  });
  return { sim: s, scanner, db, node };
}

const count = (db: Env['db'], sql: string) => (db.prepare(sql).get() as { n: number }).n;
const alarms = (db: Env['db'], kind: string) =>
  (db.prepare("SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'alarm'").all() as { msg: string }[])
    .map((r) => JSON.parse(r.msg) as Record<string, unknown>)
    .filter((m) => m.kind === kind);

describe('history-first catch-up against the simulator', () => {
  it.each([
    ['exactly 100 operations (one full page, then an empty one)', 100, []],
    ['150 operations over two pages, a block pair split by the page boundary', 150, [49]],
  ] as const)('%s: only the blocks holding them are fetched, each applied once', async (_label, n, pairs) => {
    const transfers = plan(n, [...pairs]);
    const { sim, scanner, db, node } = await setup(transfers, { historyApi: true });
    const hist = await node.getAccountHistory(sim.account('stakebts-broker')!.id);
    expect(hist).toHaveLength(100); // the first page: the 100 most recent, newest first
    expect(hist.map((h) => Number(h.id.split('.')[2]))).toEqual([...hist.map((h) => Number(h.id.split('.')[2]))].sort((a, b) => b - a));
    expect(await scanner.historyOnce()).toBe(true);
    const distinctBlocks = new Set(transfers.map((t) => t.block)).size;
    expect(count(db, 'SELECT count(*) AS n FROM processed_ops')).toBe(n);
    expect(count(db, 'SELECT count(*) AS n FROM contracts')).toBe(n);
    // The blocks holding them plus the irreversible head: not 3 000.
    expect(scanner.calls.blocks).toBe(distinctBlocks + 1);
    expect(scanner.calls.history).toBe(1 + Math.floor(n / 100) + 1); // statistics + pages until a short one
    expect(scanner.caughtUp).toBe(true);
    expect(readHistoryCursor(db).blockNum).toBe(BLOCKS);
    expect(readCursor(db)).toBeNull(); // the scan has not read a block yet
    // The full scan behind it reads every block and finds nothing new: no alarm, nothing twice.
    const round = await scanner.scanOnce();
    expect(round.to).toBe(BLOCKS);
    expect(count(db, 'SELECT count(*) AS n FROM processed_ops')).toBe(n);
    expect(count(db, 'SELECT count(*) AS n FROM contracts')).toBe(n);
    expect(alarms(db, 'history_missed_op')).toEqual([]);
    // Same-block transfers sit where the node's history says.
    if (pairs.length) {
      const b = transfers[pairs[0]!]!.block;
      expect(count(db, `SELECT count(*) AS n FROM processed_ops WHERE block_num = ${b}`)).toBe(2);
    }
  });

  it('the cursor inside a block run: operations at or before the cursor block are not listed again', async () => {
    const transfers = plan(40, [9]); // transfers 9 and 10 share block 110
    const cursorBlock = transfers[9]!.block;
    const { scanner, db } = await setup(transfers, { historyApi: true }, { startBlock: cursorBlock + 1 });
    expect(await scanner.historyOnce()).toBe(true);
    expect(count(db, 'SELECT count(*) AS n FROM processed_ops')).toBe(40 - 11);
    expect(count(db, `SELECT count(*) AS n FROM processed_ops WHERE block_num <= ${cursorBlock}`)).toBe(0);
    expect(scanner.calls.history).toBe(2); // statistics + one page reaching an operation at the cursor
  });

  it('falls back to the scan alone without a history api, and says so in status', async () => {
    const { scanner, db } = await setup(plan(30), { historyApi: false });
    expect(await scanner.historyOnce()).toBe(false);
    expect(scanner.mode).toEqual({ mode: 'scan', note: 'no node offers the history api' });
    await scanner.scanOnce();
    expect(count(db, 'SELECT count(*) AS n FROM contracts')).toBe(30);
    expect(readCatchUp(db)).toMatchObject({ mode: 'scan', note: 'no node offers the history api', scanBlock: BLOCKS, lib: BLOCKS });
    expect(readHistoryCursor(db).blockNum).toBe(0);
  });

  it('falls back on partial history (max-ops-per-account): nothing is guessed around the gap', async () => {
    const { scanner, db } = await setup(plan(30), { historyApi: true, maxOpsPerAccount: 10 });
    expect(await scanner.historyOnce()).toBe(false);
    expect(scanner.mode.note).toMatch(/partial history: the node lists 10 of the broker's 30 operations \(20 removed\)/);
    expect(count(db, 'SELECT count(*) AS n FROM processed_ops')).toBe(0);
    await scanner.scanOnce();
    expect(count(db, 'SELECT count(*) AS n FROM contracts')).toBe(30);
  });

  it('an operation the history hides is found by the scan behind: alarm, applied once', async () => {
    const transfers = plan(20);
    const { sim, scanner, db } = await setup(transfers, { historyApi: true }, { startBlock: transfers[2]!.block + 1 });
    const hidden = sim.state.synthetic!.placed.find((p) => p.block === transfers[7]!.block)!;
    sim.faults.historyOmits = [hidden.opNum];
    expect(await scanner.historyOnce()).toBe(true);
    expect(count(db, 'SELECT count(*) AS n FROM processed_ops')).toBe(16); // 17 after the cursor, one hidden
    await scanner.scanOnce(undefined, { blocksPerSec: 100_000 });
    const found = alarms(db, 'history_missed_op');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ block: hidden.block, trx: hidden.trxInBlock, op: 0, direction: 'in', historyBlock: BLOCKS });
    expect(count(db, 'SELECT count(*) AS n FROM contracts')).toBe(17);
    // Once: a second scanner over the same chain (history and scan) applies nothing more and raises nothing more.
    await scanner.historyOnce();
    await scanner.scanOnce();
    expect(count(db, 'SELECT count(*) AS n FROM contracts')).toBe(17);
    expect(alarms(db, 'history_missed_op')).toHaveLength(1);
  });

  it('the background scan behind the history cursor keeps to its rate', async () => {
    const { scanner } = await setup(plan(5), { historyApi: true });
    expect(await scanner.historyOnce()).toBe(true);
    const t0 = Date.now();
    const round = await scanner.scanOnce(undefined, { blocksPerSec: 500, maxBlocks: 250 });
    const ms = Date.now() - t0;
    expect(round.applied).toBe(250);
    expect(ms).toBeGreaterThanOrEqual(480); // 250 blocks at 500/s: half a second at least
  });
});

describe('adaptive window', () => {
  it('grows while replies are fast and clean, up to its cap; holds when replies slow down', () => {
    const w = new AdaptiveWindow({ start: 4, max: 64 });
    const sizes: number[] = [];
    for (let i = 0; i < 3_000; i++) {
      w.record({ kind: 'ok', ms: 20 });
      if (sizes.at(-1) !== w.size) sizes.push(w.size);
    }
    expect(sizes.slice(0, 5)).toEqual([4, 8, 16, 32, 33]); // doubling to half the cap, then one at a time
    expect(w.size).toBe(64);
    const slow = new AdaptiveWindow({ start: 8, max: 64 });
    slow.record({ kind: 'ok', ms: 20 });
    for (let i = 0; i < 100; i++) slow.record({ kind: 'ok', ms: 500 }); // queueing: no growth
    expect(slow.size).toBe(8);
  });

  it.each([
    ['timeout', 1],
    ['refused', 1],
    ['error', 3],
  ] as const)('halves on %s (after %i in a row), once per window of calls', (kind, n) => {
    const w = new AdaptiveWindow({ start: 32, max: 64 });
    for (let i = 0; i < n - 1; i++) w.record({ kind });
    expect(w.size).toBe(32);
    w.record({ kind });
    expect(w.size).toBe(16);
    // The rest of the calls sent under the old window fail together: one event, not five halvings.
    for (let i = 0; i < 5; i++) w.record({ kind });
    expect(w.size).toBe(16);
    expect(w.shrinks[kind === 'error' ? 'errors' : kind]).toBe(1);
  });

  it('classifies a transport timeout and a 429 refusal', () => {
    const timeout = new RpcTransportError({
      code: 'NODE_TIMEOUT',
      url: 'ws://x',
      method: 'get_block',
      requestSent: true,
      message: 'timed out',
    });
    expect(classifyCallError(timeout)).toBe('timeout');
    expect(classifyCallError(new Error('Node rejected get_block: jsonrpc_429'))).toBe('refused');
    expect(classifyCallError(new Error('boom'))).toBe('error');
  });

  it('shrinks under injected 429s from a rate-limiting node and still reads every block', async () => {
    const { sim, scanner, db } = await setup(plan(10), { historyApi: false }, { listener: { windowStart: 64, window: 128 } });
    sim.faults.maxInflight = 4;
    sim.faults.latencyMs = 5;
    // Rounds as run() makes them: a refused name lookup or head read fails a round, the next one goes on from the cursor.
    const upTo = 800; // a prefix holding all 10 transfers (blocks 20…110)
    for (let i = 0; i < 30 && (readCursor(db)?.blockNum ?? 0) < upTo; i++) {
      await scanner.scanOnce(undefined, { maxBlocks: upTo - (readCursor(db)?.blockNum ?? 0) }).catch(() => {});
    }
    expect(readCursor(db)?.blockNum).toBe(upTo);
    expect(count(db, 'SELECT count(*) AS n FROM contracts')).toBe(10);
    const w = scanner.window();
    expect(w.shrinks.refused).toBeGreaterThan(0);
    expect(w.size).toBeLessThanOrEqual(16); // from 64: about the node's limit of 4 (halved once per window of calls)
  });

  it('shrinks on timeouts from a node that stops answering for a while, and recovers', async () => {
    const { sim, scanner, db } = await setup(plan(3), { historyApi: false }, { listener: { windowStart: 32, window: 64 } });
    sim.faults.latencyMs = 2;
    // get_block hangs for the first 700 ms: every call in flight then times out (the client's deadline is 5 s, too
    // long for a test; a short per-call deadline comes from a second client).
    const fast = createNodeClient({ urls: [sim.url], expectedChainId: sim.chainId, callTimeoutMs: 300 });
    closers.push(() => fast.close());
    const broker = sim.account('stakebts-broker')!;
    const s2 = new BlockScanner({
      db,
      node: fast,
      config: parseConfig({
        nodes: [sim.url],
        chainId: sim.chainId,
        broker: 'stakebts-broker',
        startBlock: 1,
        listener: { windowStart: 32, window: 64 },
      }),
      broker: { id: broker.id, memoWif: broker.memoWif },
      managerIds: new Set(),
      fundingIds: new Set(),
    });
    void scanner;
    // Connected (handshake done) before the hang starts, so a loaded machine's slow connect cannot use up the 700 ms.
    await fast.hasBlockApi();
    sim.faults.hang = ['get_block'];
    setTimeout(() => {
      sim.faults.hang = [];
    }, 700);
    await s2.scanOnce();
    expect(readCursor(db)?.blockNum).toBe(BLOCKS);
    expect(count(db, 'SELECT count(*) AS n FROM contracts')).toBe(3);
    expect(s2.windows.of(sim.url).shrinks.timeout).toBeGreaterThan(0);
  });
});
