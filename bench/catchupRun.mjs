/**
 * One catch-up row of bench/catchup.ts, run by plain node on the compiled daemon code (dist/, `npm run build`
 * first), so the peak RSS is the daemon's and not tsx's. Parameters arrive over IPC; figures go back over IPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeClient } from '../dist/chain/nodeClient/index.js';
import { parseConfig } from '../dist/config/index.js';
import { openDatabase } from '../dist/db/openDatabase.js';
import { BlockScanner } from '../dist/listener/BlockScanner.js';

process.once('message', async (msg) => {
  const { url, broker, mode, window, upTo } = msg;
  const dir = mkdtempSync(join(tmpdir(), 'stakebts-bench-'));
  const db = openDatabase(join(dir, 'db.sqlite'));
  const config = parseConfig({ nodes: [url], startBlock: 1, broker: 'stakebts-broker' });
  let calls = 0;
  const node = createNodeClient({ urls: [url], callTimeoutMs: 30_000, onResponse: () => calls++ });
  if (upTo !== undefined) {
    // The window-1 row stops at a prefix: what the node reports as irreversible is capped there.
    const realGet = node.getDynamicGlobalProperties;
    node.getDynamicGlobalProperties = async () => ({ ...(await realGet()), lastIrreversibleBlockNum: upTo });
  }
  const scanner = new BlockScanner({
    db,
    node,
    config,
    broker,
    managerIds: new Set(),
    fundingIds: new Set(),
    ...(window === undefined ? {} : { window }),
  });
  const t0 = process.hrtime.bigint();
  let covered;
  if (mode === 'history') {
    const ok = await scanner.historyOnce();
    if (!ok) throw new Error(`history mode unavailable: ${scanner.mode.note}`);
    covered = scanner.lastIrreversible.blockNum;
  } else {
    const round = await scanner.scanOnce();
    covered = round.applied;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const contracts = db.prepare('SELECT count(*) AS n FROM contracts').get().n;
  const ops = db.prepare('SELECT count(*) AS n FROM processed_ops').get().n;
  await node.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.send({
    covered,
    secs,
    calls,
    blockCalls: scanner.calls.blocks,
    historyCalls: scanner.calls.history,
    contracts,
    ops,
    window: scanner.window().size,
    rssMb: process.resourceUsage().maxRSS / 1024,
  });
  process.disconnect();
});
