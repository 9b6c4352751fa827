/**
 * Payout throughput: N due payments executed by the payout engine, each attempt in its own forked worker (the
 * bundled dist/payout/worker.bundle.cjs; run `npm run build` first), against the chain and Bittrex simulators on
 * 127.0.0.1 with simulated latency on every node and Bittrex call.
 *
 *   npx tsx bench/payouts.ts [count=1000] [concurrency=8] [latencyMs=20] [bundle|tsc|bundle,tsc] [sims=process|inline]
 *
 * The simulators run in their own process by default (as the node and the exchange do in production), so the CPU
 * figure of the bench process is the engine's alone; they still share the machine's cores with it. `inline`
 * keeps them in the bench process (the figures of the first version of this bench).
 *
 * Prints payments/s until every payment is held by its rail (submitted), the time until all are paid (evidence
 * from irreversible blocks / COMPLETED withdrawals, checked on the chain simulator's ledger), the mean worker wall
 * time (fork → exit, including the send) and the bare process overhead (fork → ready → exit, no send).
 */
import { fork } from 'node:child_process';
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
import { Secret } from '../src/wallet/Secret.js';

/** What the bench needs from the two simulators, wherever they run. */
type Sims = {
  chainUrl: string;
  chainId: string;
  bittrexUrl: string;
  broker: { id: string; name: string; activeWif: string; memoWif: string };
  depositId: string;
  clients: Array<{ id: string; name: string }>;
  accounts: Array<{ apiKey: string; apiSecret: string; depositTag: string }>;
  /** Bittrex completes its pending withdrawals (as transfers on the chain), the chain produces `blocks` blocks. */
  advance(blocks: number): Promise<void>;
  /** Transfers the clients received (the chain ledger). */
  received(): Promise<number>;
  close(): Promise<void>;
};

/** Both simulators in this process. */
async function startSims(latencyMs: number): Promise<Sims> {
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
  return {
    chainUrl: chain.url,
    chainId: chain.chainId,
    bittrexUrl: bittrex.url,
    broker: { id: broker.id, name: broker.name, activeWif: broker.activeWif, memoWif: broker.memoWif },
    depositId: deposit.id,
    clients: clients.map((c) => ({ id: c.id, name: c.name })),
    accounts: accounts.map((a) => ({ apiKey: a.apiKey, apiSecret: a.apiSecret, depositTag: a.depositTag })),
    async advance(blocks) {
      await bittrex.processPending();
      chain.produceBlocks(blocks);
    },
    async received() {
      return clients.reduce((s, c) => s + chain.transfersTo(c.name).length, 0);
    },
    async close() {
      await bittrex.close();
      await chain.close();
    },
  };
}

type SimCommand = { id: number; cmd: 'advance' | 'received' | 'close'; blocks?: number };

/** Child mode: the simulators in their own process, driven over IPC. */
async function simChild(latencyMs: number): Promise<void> {
  const sims = await startSims(latencyMs);
  const { advance, received, close, ...facts } = sims;
  process.on('message', async (m: SimCommand) => {
    const result = m.cmd === 'advance' ? await advance(m.blocks ?? 1) : m.cmd === 'received' ? await received() : await close();
    process.send?.({ id: m.id, result: result ?? null });
    if (m.cmd === 'close') process.exit(0);
  });
  process.send?.({ id: 0, result: facts });
}

/** Both simulators in a child process (tsx loader; started once per rail, outside the timed part). */
async function forkSims(latencyMs: number): Promise<Sims> {
  const child = fork(fileURLToPath(import.meta.url), ['--sim-child', String(latencyMs)], { stdio: 'inherit' });
  const waiting = new Map<number, (v: unknown) => void>();
  child.on('message', (m: { id: number; result: unknown }) => {
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  let next = 1;
  const call = (cmd: SimCommand['cmd'], blocks?: number) =>
    new Promise<unknown>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      child.send({ id, cmd, ...(blocks === undefined ? {} : { blocks }) });
    });
  const facts = (await new Promise<unknown>((resolve) => waiting.set(0, resolve))) as Omit<Sims, 'advance' | 'received' | 'close'>;
  return {
    ...facts,
    advance: async (blocks) => void (await call('advance', blocks)),
    received: async () => (await call('received')) as number,
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      await call('close');
      await exited;
    },
  };
}

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

async function runRail(
  rail: 'broker' | 'bittrex1',
  n: number,
  workerPath: string,
  o: { concurrency: number; latencyMs: number; inline: boolean },
) {
  const dir = mkdtempSync(join(tmpdir(), 'stakebts-bench-'));
  const sims = o.inline ? await startSims(o.latencyMs) : await forkSims(o.latencyMs);
  const config = configSchema.parse({
    db: join(dir, 'bench.sqlite'),
    nodes: [sims.chainUrl],
    chainId: sims.chainId,
    broker: 'broker',
    startBlock: 1,
    bittrex: { baseUrl: sims.bittrexUrl, accounts: sims.accounts.map((a, i) => ({ index: i + 1, depositMemo: a.depositTag })) },
    payout: { rails: [rail], concurrency: o.concurrency, timeoutMs: 30_000, cycleMs: 1_000 },
  });
  const db = openDatabase(config.db);
  const node = createNodeClient({ urls: config.nodes, expectedChainId: sims.chainId });
  const scanner = new BlockScanner({
    db,
    node,
    config,
    broker: { id: sims.broker.id, memoWif: sims.broker.memoWif },
    managerIds: new Set(),
    fundingIds: new Set([sims.depositId]),
  });
  const chainStart = (await node.getDynamicGlobalProperties()).time;
  const engine = createPayoutEngine({
    db,
    config,
    node,
    secrets: {
      brokerActiveWif: new Secret(sims.broker.activeWif),
      brokerMemoWif: new Secret(sims.broker.memoWif),
      exchangeKeys: sims.accounts.map((a, i) => ({ account: i + 1, apiKey: new Secret(a.apiKey), apiSecret: new Secret(a.apiSecret) })),
    },
    brokerAccount: { id: sims.broker.id, name: sims.broker.name },
    nowProvider: async () => readCursor(db)?.blockTime ?? chainStart,
    workerPath,
  });
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const c = sims.clients[i % sims.clients.length]!;
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
    await sims.advance(3);
    await scanner.scanOnce();
    await engine.runCycle();
  }
  const paidSec = (performance.now() - t0) / 1000;
  const received = await sims.received();
  await engine.close();
  await node.close();
  db.close();
  await sims.close();
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

if (process.argv[2] === '--sim-child') {
  await simChild(Number(process.argv[3] ?? 20));
} else {
  const count = Number(process.argv[2] ?? 1000);
  const concurrency = Number(process.argv[3] ?? 8);
  const latencyMs = Number(process.argv[4] ?? 20);
  const variants = (process.argv[5] ?? 'bundle').split(',');
  const inline = process.argv[6] === 'inline';
  console.log(
    `payout bench: ${count} payments, concurrency ${concurrency}, simulated latency ${latencyMs} ms per call (node and Bittrex), ` +
      `simulators ${inline ? 'in the bench process' : 'in their own process'}`,
  );
  for (const variant of variants) {
    const workerPath = variant === 'tsc' ? tscWorker() : defaultWorkerPath();
    const overhead = await bareOverhead(10, workerPath);
    console.log(`[${variant} worker] bare process overhead (fork → ready → exit): ${overhead.toFixed(0)} ms`);
    for (const [rail, n] of [
      ['broker', count],
      ['bittrex1', Math.max(1, Math.floor(count / 5))],
    ] as const) {
      const r = await runRail(rail, n, workerPath, { concurrency, latencyMs, inline });
      console.log(
        `[${variant} worker] ${r.rail.padEnd(8)} ${r.n} payments: sent ${r.sent} in ${r.sendSec.toFixed(1)} s = ${(r.sent / r.sendSec).toFixed(1)} payments/s; ` +
          `all paid (on the chain ledger: ${r.paid}) after ${r.paidSec.toFixed(1)} s; mean worker wall time ${r.workerMeanMs.toFixed(0)} ms; ` +
          `CPU in the bench process (${inline ? 'engine + both simulators' : 'engine'}) ${r.parentCpuMs.toFixed(0)} ms per payment`,
      );
    }
  }
}
