/**
 * Catch-up benchmark (issue 3): blocks/s of the irreversible-block scanner over the same synthetic history with
 * the same injected latency, sequential (window 1, as the original bot did) vs the default window, plus peak RSS.
 *
 *   npx tsx bench/catchup.ts [--blocks 200000] [--latency 20] [--window 256] [--seq-blocks 1000]
 *
 * The sequential run scans a prefix (at 20 ms per call it does ~50 blocks/s; 200 000 blocks would take an hour);
 * blocks/s is a rate, so the figures compare directly.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createNodeClient } from '../src/chain/nodeClient/index.js';
import { parseConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/openDatabase.js';
import { BlockScanner } from '../src/listener/BlockScanner.js';

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '200000' },
    latency: { type: 'string', default: '20' },
    window: { type: 'string', default: String(parseConfig({}).listener.window) },
    'seq-blocks': { type: 'string', default: '1000' },
  },
});
const blocks = Number(values.blocks);
const latencyMs = Number(values.latency);
const window = Number(values.window);
const seqBlocks = Math.min(blocks, Number(values['seq-blocks']));

const STAKES = 20;
const transfersToBroker = Array.from({ length: STAKES }, (_, i) => ({
  block: Math.floor(((i + 1) * blocks) / (STAKES + 1)),
  from: `client-${i % 5}`,
  amountSats: 2_500_000_000n,
  memo: '{"type":"six_months"}',
}));

type SimFacts = { url: string; chainId: string; head: number; broker: { id: string; memoWif: string } };

async function startSimProcess(): Promise<{ facts: SimFacts; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./chainSimProcess.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
  });
  child.send({
    options: {
      blockIntervalMs: 0,
      irreversibleLag: 0,
      syntheticHistory: { blocks, transfersToBroker, broker: 'stakebts-broker', seed: 7, opsPerBlock: 4 },
    },
    latencyMs,
    broker: 'stakebts-broker',
  });
  const [facts] = (await once(child, 'message')) as [SimFacts];
  return { facts, stop: () => child.disconnect() };
}

async function run(label: string, scanWindow: number, upTo: number) {
  const sim = await startSimProcess();
  const dir = mkdtempSync(join(tmpdir(), 'stakebts-bench-'));
  const db = openDatabase(join(dir, 'db.sqlite'));
  const config = parseConfig({ nodes: [sim.facts.url], startBlock: 1, broker: 'stakebts-broker' });
  const node = createNodeClient({ urls: [sim.facts.url], callTimeoutMs: 30_000 });
  // Stop the scan at `upTo` by capping what the node reports as irreversible.
  const realGet = node.getDynamicGlobalProperties;
  node.getDynamicGlobalProperties = async () => ({ ...(await realGet()), lastIrreversibleBlockNum: upTo });
  const scanner = new BlockScanner({
    db,
    node,
    config,
    broker: sim.facts.broker,
    managerIds: new Set(),
    fundingIds: new Set(),
    window: scanWindow,
  });
  const t0 = process.hrtime.bigint();
  const round = await scanner.scanOnce();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const contracts = (db.prepare('SELECT count(*) AS n FROM contracts').get() as { n: number }).n;
  await node.close();
  sim.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = round.applied / secs;
  console.log(
    `${label.padEnd(22)} window ${String(scanWindow).padStart(4)}  blocks ${String(round.applied).padStart(7)}  ${secs.toFixed(1).padStart(7)} s  ${rate.toFixed(0).padStart(6)} blocks/s  contracts ${contracts}`,
  );
  return rate;
}

console.log(`synthetic history: ${blocks} blocks, 4 ops/block, ${STAKES} stakes to the broker; injected latency ${latencyMs} ms per call`);
const seq = await run('sequential (original)', 1, seqBlocks);
const par = await run('pipelined (default)', window, blocks);
const rssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `speed-up ${(par / seq).toFixed(1)}x   peak RSS ${rssMb.toFixed(0)} MB (the scanner process; the simulator runs in its own process)`,
);
