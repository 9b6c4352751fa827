import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCursor } from '../../src/db/cursor.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { wait } from '../../src/utils/promise/index.js';
import { forkDaemon } from '../helpers/daemonChild.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('daemon killed mid catch-up', () => {
  it('resumes after each SIGKILL with no operation lost or applied twice', async () => {
    const BLOCKS = 40_000;
    const transfersToBroker = Array.from({ length: 40 }, (_, i) => ({
      block: 500 + i * 987,
      from: `client-${i % 7}`,
      amountSats: i % 5 === 4 ? 6_100_000n : 2_500_000_000n,
      memo: i % 5 === 4 ? 'no idea' : '{"type":"six_months"}',
    }));
    const sim = await startChainSimulator({
      blockIntervalMs: 0,
      irreversibleLag: 0,
      syntheticHistory: { blocks: BLOCKS, transfersToBroker, broker: 'stakebts-broker', seed: 11 },
      faults: { latencyMs: 2 },
    });
    cleanups.push(() => sim.close());
    const broker = sim.account('stakebts-broker');
    if (!broker) throw new Error('no broker');
    const dir = tempDir();
    const dbPath = join(dir, 'db.sqlite');
    const config = {
      db: dbPath,
      nodes: [sim.url],
      chainId: sim.chainId,
      broker: 'stakebts-broker',
      startBlock: 1,
      fundingAccounts: [],
      listener: { window: 64 },
    };
    const secrets = { brokerActiveWif: broker.activeWif, brokerMemoWif: broker.memoWif, exchangeKeys: [] };

    let kills = 0;
    const cursorsAtKill: number[] = [];
    const peek = () => {
      const db = openDatabase(dbPath, { readonly: true });
      try {
        return readCursor(db)?.blockNum ?? 0;
      } finally {
        db.close();
      }
    };
    for (let i = 0; i < 8; i++) {
      const d = forkDaemon({ config, secrets, logFile: join(dir, 'daemon.log'), payouts: false });
      cleanups.push(() => d.child.kill('SIGKILL'));
      await d.ready;
      // Kill mid catch-up: once this run has moved the cursor on (however loaded the machine is), after a short
      // varying delay.
      const before = peek();
      for (let t = 0; t < 300 && peek() <= before; t++) await wait(20);
      await wait(20 + ((i * 97) % 200));
      d.child.kill('SIGKILL');
      await d.exited;
      kills++;
      cursorsAtKill.push(peek());
    }
    // A last run to the end.
    const last = forkDaemon({ config, secrets, logFile: join(dir, 'daemon.log'), payouts: false });
    cleanups.push(() => last.child.kill('SIGKILL'));
    await last.ready;
    const db = openDatabase(dbPath, { readonly: true });
    cleanups.push(() => db.close());
    for (let t = 0; t < 600 && (readCursor(db)?.blockNum ?? 0) < BLOCKS; t++) await wait(100);
    last.child.kill('SIGTERM');
    await last.exited;

    expect(kills).toBe(8);
    // The kills really landed mid catch-up: the cursor stood between start and end, never went back, and moved on.
    const mid = cursorsAtKill.filter((c) => c > 0 && c < BLOCKS);
    expect(mid.length).toBeGreaterThanOrEqual(4);
    expect(cursorsAtKill).toEqual([...cursorsAtKill].sort((a, b) => a - b));
    expect(new Set(mid).size).toBeGreaterThanOrEqual(3);
    expect(readCursor(db)?.blockNum).toBe(BLOCKS);
    const ops = db.prepare('SELECT block_num, outcome FROM processed_ops ORDER BY block_num').all() as {
      block_num: number;
      outcome: string;
    }[];
    expect(ops.map((o) => o.block_num)).toEqual(transfersToBroker.map((t) => t.block));
    expect(ops.filter((o) => o.outcome === 'new_contract')).toHaveLength(32);
    expect(db.prepare('SELECT count(*) AS n FROM contracts').get()).toEqual({ n: 32 });
    expect(db.prepare('SELECT count(*) AS n FROM stakes').get()).toEqual({ n: 32 * 9 });
    const payouts = db.prepare('SELECT purpose, count(*) AS n FROM payouts GROUP BY purpose ORDER BY purpose').all();
    expect(payouts).toEqual([
      { purpose: 'contract_receipt', n: 32 },
      { purpose: 'refund', n: 8 },
    ]);
    const startups = db.prepare(`SELECT count(*) AS n FROM receipts WHERE json_extract(msg, '$.event') = 'startup'`).get();
    expect(startups).toEqual({ n: 9 });
    expect(verifyReceiptChain(db).ok).toBe(true);
  }, 180_000);
});
