import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../src/chain/nodeClient/index.js';
import { parseConfig } from '../../src/config/index.js';
import { readCursor } from '../../src/db/cursor.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { BlockScanner } from '../../src/listener/BlockScanner.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP server that accepts connections and never says a word: a hung node. */
async function hangingServer(): Promise<{ url: string; server: Server }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  }) as Server['close'];
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}`, server };
}

/** A port nobody listens on: a node that refuses connections. */
async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `ws://127.0.0.1:${port}`;
}

describe('listener under node faults', () => {
  it('scans every block exactly once through a refusing, a hanging and a dropping node, without crashing', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(() => process.off('unhandledRejection', onUnhandled));

    const STAKES = 12;
    const BLOCKS = 3_000;
    const transfersToBroker = Array.from({ length: STAKES }, (_, i) => ({
      block: 100 + i * 240,
      from: `client-${i % 3}`,
      amountSats: 2_500_000_000n,
      memo: i % 4 === 3 ? 'stop' : '{"type":"three_months"}',
    }));
    const sim = await startChainSimulator({
      blockIntervalMs: 0,
      irreversibleLag: 0,
      syntheticHistory: { blocks: BLOCKS, transfersToBroker, broker: 'stakebts-broker', seed: 3 },
      faults: { dropEveryNCalls: 300, outOfOrderMaxMs: 3 },
    });
    cleanups.push(() => sim.close());
    const hang = await hangingServer();
    cleanups.push(() => new Promise<void>((r) => hang.server.close(() => r())));
    const refused = await refusedUrl();
    const broker = sim.account('stakebts-broker');
    if (!broker) throw new Error('no broker');

    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    cleanups.push(() => db.close());
    const urls = [refused, hang.url, sim.url];
    const config = parseConfig({ nodes: urls, startBlock: 1, broker: 'stakebts-broker', listener: { window: 32 } });
    const failures = new Map<string, number>();
    const node = createNodeClient({
      urls,
      callTimeoutMs: 1_000,
      rpc: { cooldownMs: 200 },
      onResponse: (info) => {
        if (!info.ok) failures.set(info.url, (failures.get(info.url) ?? 0) + 1);
      },
    });
    cleanups.push(() => node.close());
    const scanner = new BlockScanner({
      db,
      node,
      config,
      broker: { id: broker.id, memoWif: broker.memoWif },
      managerIds: new Set(),
      fundingIds: new Set(),
    });

    // Transport failures may end a round early; the next round resumes from the committed cursor.
    let rounds = 0;
    for (; rounds < 100 && (readCursor(db)?.blockNum ?? 0) < BLOCKS; rounds++) {
      await scanner.scanOnce().catch(() => undefined);
    }
    expect(readCursor(db)?.blockNum).toBe(BLOCKS);
    const ops = db.prepare('SELECT block_num, outcome FROM processed_ops ORDER BY block_num').all() as {
      block_num: number;
      outcome: string;
    }[];
    expect(ops.map((o) => o.block_num)).toEqual(transfersToBroker.map((t) => t.block));
    const contracts = (db.prepare('SELECT count(*) AS n FROM contracts').get() as { n: number }).n;
    expect(contracts).toBe(ops.filter((o) => o.outcome === 'new_contract').length);
    expect(ops.filter((o) => o.outcome === 'stop')).toHaveLength(3);
    expect(verifyReceiptChain(db).ok).toBe(true);
    // Every faulty node really failed calls (the dropping one many times), and nothing escaped as an unhandled rejection.
    expect(failures.get(refused) ?? 0).toBeGreaterThan(0);
    expect(failures.get(hang.url) ?? 0).toBeGreaterThan(0);
    expect(failures.get(sim.url) ?? 0).toBeGreaterThan(5);
    expect(unhandled).toEqual([]);
  }, 120_000);
});
