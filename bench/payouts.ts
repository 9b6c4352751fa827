/**
 * Payout throughput: N due payments executed through forked worker processes (compiled dist/payout/worker.js;
 * run `npm run build` first), against the chain and Bittrex simulators on 127.0.0.1 with simulated latency.
 *
 *   npx tsx bench/payouts.ts [count=1000] [concurrency=8] [latencyMs=20]
 *
 * Prints payments/s until every payment is held by its rail (submitted), the time until all are paid (evidence
 * from irreversible blocks / COMPLETED withdrawals), the mean worker wall time (fork → exit, including the send)
 * and the bare process overhead (fork → ready → exit, no send).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeClient } from '../src/chain/nodeClient/index.js';
import { configSchema } from '../src/config/index.js';
import { readCursor } from '../src/db/cursor.js';
import { openDatabase } from '../src/db/openDatabase.js';
import { insertPayoutIntent } from '../src/db/payouts.js';
import { btsToSats } from '../src/domain/money.js';
import { BlockScanner } from '../src/listener/BlockScanner.js';
import { createPayoutEngine, defaultWorkerPath, runWorker } from '../src/payout/index.js';
import { generateSimAccounts, startBittrexSimulator } from '../src/sim/bittrex/index.js';
import { startChainSimulator } from '../src/sim/chain/index.js';

const count = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 8);
const latencyMs = Number(process.argv[4] ?? 20);
const variants = (process.argv[5] ?? 'bundle').split(',');

/** The tsc output of the same worker (loads its module graph from dist/ and node_modules): for comparison. */
function tscWorker(): string {
  return fileURLToPath(new URL('../dist/payout/worker.js', import.meta.url));
}

async function bareOverhead(samples: number, workerPath: string): Promise<number> {
  let total = 0;
  for (let i = 0; i < samples; i++) {
    const end = await runWorker({
      workerPath,
      timeoutMs: 10_000,
      // An abort as first message: the worker boots, answers and exits without sending anything.
      onMessage: (m, reply) => {
        if (m.type === 'ready') reply({ type: 'abort', reason: 'bench' });
      },
    });
    total += end.elapsedMs;
  }
  return total / samples;
}

async function runRail(rail: 'broker' | 'bittrex1', n: number, workerPath: string) {
  const dir = mkdtempSync(join(tmpdir(), 'stakebts-bench-'));
  const chain = await startChainSimulator({ blockTimeMs: 3_000, irreversibleLag: 2, faults: { latencyMs } });
  const broker = chain.createAccount('broker');
  const deposit = chain.createAccount('bittrex-deposit');
  chain.fund('broker', btsToSats(100_000_000));
  chain.fund('bittrex-deposit', btsToSats(100_000_000));
  const clients = Array.from({ length: 50 }, (_, i) => chain.createAccount(`client-${i}`));
  const accounts = generateSimAccounts(3, { balanceSats: btsToSats(100_000_000) });
  const bittrex = await startBittrexSimulator({
    accounts,
    rateLimitPerMinute: 0,
    sendOnChain: ({ to, amountSats, memo }) => chain.clientTransfer({ from: 'bittrex-deposit', to, amountSats, memo }),
  });
  bittrex.inject({ kind: 'latency', ms: latencyMs });
  const config = configSchema.parse({
    db: join(dir, 'bench.sqlite'),
    nodes: [chain.url],
    chainId: chain.chainId,
    broker: 'broker',
    startBlock: 1,
    bittrex: { baseUrl: bittrex.url, accounts: accounts.map((a, i) => ({ index: i + 1, depositMemo: a.depositTag })) },
    payout: { rails: [rail], concurrency, timeoutMs: 30_000, cycleMs: 1_000 },
  });
  const db = openDatabase(config.db);
  const node = createNodeClient({ urls: config.nodes, expectedChainId: chain.chainId });
  const scanner = new BlockScanner({
    db,
    node,
    config,
    broker: { id: broker.id, memoWif: broker.memoWif },
    managerIds: new Set(),
    fundingIds: new Set([deposit.id]),
  });
  const engine = createPayoutEngine({
    db,
    config,
    node,
    secrets: {
      brokerActiveWif: broker.activeWif,
      brokerMemoWif: broker.memoWif,
      bittrex: accounts.map((a, i) => ({ index: i + 1, apiKey: a.apiKey, apiSecret: a.apiSecret })),
    },
    brokerAccount: { id: broker.id, name: broker.name },
    nowProvider: async () => readCursor(db)?.blockTime ?? chain.headTimeMs,
    workerPath,
  });
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const c = clients[i % clients.length]!;
      insertPayoutIntent(db, {
        sourceKey: `bench:${i}`,
        purpose: 'refund',
        contractId: null,
        stakeId: null,
        recipient: c.name,
        recipientId: c.id,
        amountSats: btsToSats(100 + (i % 7)),
        memo: `stakebts bench payment ${i}`,
      });
    }
  })();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const first = await engine.runCycle();
  const sendSec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const parentCpuMs = (cpu.user + cpu.system) / 1000 / Math.max(1, first.workers);
  let rounds = 0;
  const paid = () => (db.prepare(`SELECT count(*) AS n FROM payouts WHERE state = 'paid'`).get() as { n: number }).n;
  while (paid() < n && rounds < 50) {
    rounds++;
    await bittrex.processPending();
    chain.produceBlocks(3);
    await scanner.scanOnce();
    await engine.runCycle();
  }
  const paidSec = (performance.now() - t0) / 1000;
  const received = clients.reduce((s, c) => s + chain.transfersTo(c.name).length, 0);
  await engine.close();
  await node.close();
  db.close();
  await bittrex.close();
  await chain.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    rail,
    n,
    sent: first.executed.sent,
    sendSec,
    paidSec,
    paid: received,
    workerMeanMs: first.workerMs / Math.max(1, first.workers),
    parentCpuMs,
  };
}

console.log(`payout bench: ${count} payments, concurrency ${concurrency}, simulated latency ${latencyMs} ms per call (node and Bittrex)`);
for (const variant of variants) {
  const workerPath = variant === 'tsc' ? tscWorker() : defaultWorkerPath();
  const overhead = await bareOverhead(10, workerPath);
  console.log(`[${variant} worker] bare process overhead (fork → ready → exit): ${overhead.toFixed(0)} ms`);
  for (const [rail, n] of [
    ['broker', count],
    ['bittrex1', Math.max(1, Math.floor(count / 5))],
  ] as const) {
    const r = await runRail(rail, n, workerPath);
    console.log(
      `[${variant} worker] ${r.rail.padEnd(8)} ${r.n} payments: sent ${r.sent} in ${r.sendSec.toFixed(1)} s = ${(r.sent / r.sendSec).toFixed(1)} payments/s; ` +
        `all paid (on the chain ledger: ${r.paid}) after ${r.paidSec.toFixed(1)} s; mean worker wall time ${r.workerMeanMs.toFixed(0)} ms; ` +
        `CPU in the bench process (engine parent + both simulators) ${r.parentCpuMs.toFixed(0)} ms per payment`,
    );
  }
}
