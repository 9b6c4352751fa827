/**
 * Catch-up benchmark (issues 3 and 15): the same synthetic history, the same injected latency, three ways to the
 * irreversible head with every broker operation applied:
 * 1. window 1 (one get_block per round trip, as the original bot did), on a prefix (a rate; the full run would
 *    take hours), its wall time to the head projected from that rate;
 * 2. the pipelined scan (adaptive window, config defaults);
 * 3. history mode: the broker's operations from the history api, only their blocks fetched;
 * 4. the pipelined scan where the node grants the block api: get_blocks ranges instead of one get_block a block.
 * Each row runs the COMPILED daemon code (dist/, plain node: `npm run build` first) in its own process, so the
 * peak RSS is the daemon's; the simulator runs in another process.
 *
 *   npx tsx bench/catchup.ts [--blocks 1000000] [--ops 200] [--latency 20] [--seq-blocks 1000]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DAEMON_NODE_FLAGS } from '../src/daemon/runtimeFlags.js';

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '1000000' },
    ops: { type: 'string', default: '200' },
    latency: { type: 'string', default: '20' },
    'seq-blocks': { type: 'string', default: '1000' },
    /** The daemon process's node flags; default: the shipped ones (src/daemon/runtimeFlags.ts). `--node-flags ''` for none. */
    'node-flags': { type: 'string' },
  },
});
const blocks = Number(values.blocks);
const opsCount = Number(values.ops);
const latencyMs = Number(values.latency);
const seqBlocks = Math.min(blocks, Number(values['seq-blocks']));
const nodeFlags = values['node-flags'] === undefined ? [...DAEMON_NODE_FLAGS] : values['node-flags'].split(' ').filter(Boolean);

// Broker operations spread over the whole history (the first within the window-1 prefix too).
const transfersToBroker = Array.from({ length: opsCount }, (_, i) => ({
  block: Math.max(1, Math.floor(((i + 0.5) * blocks) / opsCount)),
  from: `client-${i % 5}`,
  amountSats: 2_500_000_000n,
  memo: '{"type":"six_months"}',
}));

type SimFacts = { url: string; chainId: string; head: number; broker: { id: string; memoWif: string } };

async function startSimProcess(blockApi = false): Promise<{ facts: SimFacts; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./chainSimProcess.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
  });
  child.send({
    options: {
      blockIntervalMs: 0,
      irreversibleLag: 0,
      historyApi: true,
      blockApi,
      syntheticHistory: { blocks, transfersToBroker, broker: 'stakebts-broker', seed: 7, opsPerBlock: 4 },
    },
    latencyMs,
    broker: 'stakebts-broker',
  });
  const [facts] = (await once(child, 'message')) as [SimFacts];
  return { facts, stop: () => child.disconnect() };
}

type Row = {
  covered: number;
  secs: number;
  calls: number;
  blockCalls: number;
  historyCalls: number;
  contracts: number;
  ops: number;
  window: number;
  rssMb: number;
};

async function run(params: { mode: 'scan' | 'history'; window?: number; upTo?: number; blockApi?: boolean }): Promise<Row> {
  const sim = await startSimProcess(params.blockApi);
  const child = fork(fileURLToPath(new URL('./catchupRun.mjs', import.meta.url)), [], { serialization: 'advanced', execArgv: nodeFlags });
  child.send({ url: sim.facts.url, broker: sim.facts.broker, ...params });
  const [row] = (await once(child, 'message')) as [Row];
  sim.stop();
  // Printed as soon as measured, so a long run leaves its figures behind even when cut short.
  console.log(
    `  measured: ${params.mode}${params.window ? ` window ${params.window}` : ''}${params.blockApi ? ' get_blocks' : ''}: ${JSON.stringify(row)}`,
  );
  return row;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(
  `synthetic history: ${fmt(blocks)} blocks (4 unrelated ops each), ${opsCount} broker transfers; ${latencyMs} ms injected latency per call; daemon node flags: ${nodeFlags.join(' ') || '(none)'}`,
);
const seq = await run({ mode: 'scan', window: 1, upTo: seqBlocks });
const par = await run({ mode: 'scan' });
const hist = await run({ mode: 'history' });
// Where a node grants the block api (most public nodes do not): the same scan in get_blocks ranges.
const ranged = await run({ mode: 'scan', blockApi: true });

const seqRate = seq.covered / seq.secs;
const seqProjected = blocks / seqRate;
const rows = [
  ['window 1 (prefix)', seq, `${fmt(seq.secs, 1)} s for ${fmt(seq.covered)}; ${fmt(seqProjected)} s projected`],
  ['pipelined scan', par, `${fmt(par.secs, 1)} s`],
  ['history mode', hist, `${fmt(hist.secs, 2)} s`],
  ['scan, get_blocks', ranged, `${fmt(ranged.secs, 1)} s`],
] as const;
console.log(
  `${'mode'.padEnd(18)} ${'blocks/s'.padStart(12)}  ${'wall time to head'.padEnd(40)} ${'calls'.padStart(9)} ${'ops applied'.padStart(11)} ${'window'.padStart(6)} ${'peak RSS'.padStart(9)}`,
);
for (const [label, r, wall] of rows) {
  console.log(
    `${label.padEnd(18)} ${fmt(r.covered / r.secs).padStart(12)}  ${wall.padEnd(40)} ${fmt(r.calls).padStart(9)} ${String(r.ops).padStart(11)} ${String(r.window).padStart(6)} ${`${fmt(r.rssMb)} MB`.padStart(9)}`,
  );
}
console.log(
  `history vs pipelined: ${fmt(par.secs / hist.secs, 0)}x sooner at the head (goal >= 100x); pipelined vs window 1: ${fmt(par.covered / par.secs / seqRate, 0)}x (goal >= 100x); peak RSS max ${fmt(Math.max(seq.rssMb, par.rssMb, hist.rssMb))} MB (goal < 150 MB); get_blocks scan vs window 1: ${fmt(ranged.covered / ranged.secs / seqRate, 0)}x`,
);
if (par.ops !== opsCount || hist.ops !== opsCount)
  console.log(`WARNING: not every broker operation applied (scan ${par.ops}, history ${hist.ops} of ${opsCount})`);
