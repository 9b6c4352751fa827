import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { decryptMemo } from '../../src/chain/bitshares/index.js';
import { createNodeClient, type NodeClient } from '../../src/chain/nodeClient/index.js';
import { type Config, type ConfigInput, configSchema } from '../../src/config/index.js';
import { readCursor } from '../../src/db/cursor.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { btsToSats } from '../../src/domain/money.js';
import { BlockScanner } from '../../src/listener/BlockScanner.js';
import { type CycleReport, createPayoutEngine, type PayoutEngine } from '../../src/payout/index.js';
import type { RailKind } from '../../src/payout/rails/Rail.js';
import { type BittrexSimulator, generateSimAccounts, startBittrexSimulator } from '../../src/sim/bittrex/index.js';
import {
  type ChainSimOptions,
  type ChainSimulator,
  type LedgerTransfer,
  type SimAccount,
  startChainSimulator,
} from '../../src/sim/chain/index.js';
import { Secret } from '../../src/wallet/Secret.js';

export const DAY_MS = 86_400_000;

export type HarnessOptions = {
  dir: string;
  /** Chain time per block. @default 1 day */
  blockTimeMs?: number;
  /** Broker balance at start, whole BTS. @default 1_000_000 */
  brokerBts?: number;
  /** Bittrex balances of accounts 1..3, whole BTS. @default [0, 0, 0] */
  bittrexBts?: [number, number, number];
  clients?: string[];
  managers?: string[];
  config?: Partial<ConfigInput>;
  /** Bittrex client deadline. @default 10_000 */
  bittrexTimeoutMs?: number;
  /** Node URLs for the daemon side (e.g. through a faulty proxy). @default [chain.url] */
  nodesFor?: (chainUrl: string) => Promise<string[]>;
  /** Worker script the engine forks. @default the bundled worker */
  workerPath?: string;
  /** Foreign-withdrawal check interval. @default the engine's */
  foreignCheckMs?: number;
  /** The payout engine's logger. @default silent */
  logger?: Logger;
  /** More chain simulator options (e.g. `historyApi`). */
  sim?: ChainSimOptions;
  /** Rail kinds the engine knows (a test rail kind added to the registry). @default the daemon's */
  railKinds?: ReadonlyMap<string, RailKind>;
};

/**
 * Both simulators on 127.0.0.1, a real database, the listener (BlockScanner) and the payout engine with forked
 * workers (the bundled dist/payout/worker.bundle.cjs). Bittrex withdrawals complete as transfers from `bittrex-deposit` on
 * the chain simulator, so every payment ends up in the chain ledger.
 */
export async function startHarness(opts: HarnessOptions) {
  const chain: ChainSimulator = await startChainSimulator({ blockTimeMs: opts.blockTimeMs ?? DAY_MS, irreversibleLag: 2, ...opts.sim });
  const broker = chain.createAccount('broker');
  const deposit = chain.createAccount('bittrex-deposit');
  chain.fund('bittrex-deposit', btsToSats(100_000_000));
  if ((opts.brokerBts ?? 1_000_000) > 0) chain.fund('broker', btsToSats(opts.brokerBts ?? 1_000_000));
  const clients = new Map<string, SimAccount>();
  for (const name of opts.clients ?? ['alice', 'bob', 'carol']) {
    clients.set(name, chain.createAccount(name));
    chain.fund(name, btsToSats(20_000_000));
  }
  const managers = (opts.managers ?? []).map((name) => {
    const m = chain.createAccount(name);
    chain.fund(name, btsToSats(100_000));
    return m;
  });
  const accounts = generateSimAccounts(3);
  const balances = opts.bittrexBts ?? [0, 0, 0];
  accounts.forEach((a, i) => {
    a.balanceSats = btsToSats(balances[i] ?? 0);
  });
  const bittrex: BittrexSimulator = await startBittrexSimulator({
    accounts,
    rateLimitPerMinute: 0,
    sendOnChain: ({ to, amountSats, memo }) => chain.clientTransfer({ from: 'bittrex-deposit', to, amountSats, memo }),
  });
  const base: ConfigInput = {
    db: join(opts.dir, 'stakebts.sqlite'),
    nodes: opts.nodesFor ? await opts.nodesFor(chain.url) : [chain.url],
    chainId: chain.chainId,
    broker: 'broker',
    managers: opts.managers ?? [],
    fundingAccounts: ['bittrex-deposit'],
    startBlock: 1,
    supportContact: 'help@stakebts.test',
    bittrex: {
      baseUrl: bittrex.url,
      depositAccount: 'bittrex-deposit',
      accounts: accounts.map((a, i) => ({ index: (i + 1) as 1 | 2 | 3, depositMemo: a.depositTag })),
      timeoutMs: opts.bittrexTimeoutMs ?? 10_000,
    },
    payout: { timeoutMs: 20_000, concurrency: 4, cycleMs: 1_000, retryBackoffMs: 100, maxBackoffMs: 1_000 },
    listener: { window: 16, pollMs: 100, callTimeoutMs: 10_000 },
    ...opts.config,
  };
  const config: Config = configSchema.parse(base);
  const db: Database = openDatabase(config.db);
  const node: NodeClient = createNodeClient({
    urls: config.nodes,
    expectedChainId: chain.chainId,
    callTimeoutMs: config.listener.callTimeoutMs,
  });
  const scanner = new BlockScanner({
    db,
    node,
    config,
    broker: { id: broker.id, memoWif: broker.memoWif },
    managerIds: new Set(managers.map((m) => m.id)),
    fundingIds: new Set([deposit.id]),
  });
  const secrets = {
    brokerActiveWif: new Secret(broker.activeWif),
    brokerMemoWif: new Secret(broker.memoWif),
    exchangeKeys: accounts.map((a, i) => ({ account: i + 1, apiKey: new Secret(a.apiKey), apiSecret: new Secret(a.apiSecret) })),
  };
  const engine: PayoutEngine = createPayoutEngine({
    db,
    config,
    node,
    secrets,
    brokerAccount: { id: broker.id, name: broker.name },
    nowProvider: async () => readCursor(db)?.blockTime ?? chain.headTimeMs,
    ...(opts.workerPath === undefined ? {} : { workerPath: opts.workerPath }),
    ...(opts.foreignCheckMs === undefined ? {} : { foreignCheckMs: opts.foreignCheckMs }),
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
    ...(opts.railKinds === undefined ? {} : { railKinds: opts.railKinds }),
  });

  /** Produce `blocks` blocks, let Bittrex finish its withdrawals, scan to the irreversible block, run a cycle. */
  async function step(blocks = 1): Promise<CycleReport> {
    await bittrex.processPending();
    chain.produceBlocks(blocks);
    await scanner.scanOnce();
    return engine.runCycle();
  }

  /** Steps until `done()` holds or `maxSteps` pass; returns the number of steps taken. */
  async function until(done: () => boolean, maxSteps = 20, blocks = 1): Promise<number> {
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return i;
      await step(blocks);
    }
    if (!done()) throw new Error(`condition not reached in ${maxSteps} steps`);
    return maxSteps;
  }

  /** Every transfer `name` received from the broker or from Bittrex (the ground truth of what was paid). */
  function paidTo(name: string): LedgerTransfer[] {
    return chain.transfersTo(name).filter((t) => t.fromName === 'broker' || t.fromName === 'bittrex-deposit');
  }

  /** The memo text a client reads (decrypted with the client's memo key). */
  function memoText(t: LedgerTransfer, reader: SimAccount): string {
    if (!t.memo) return '';
    const r = decryptMemo(t.memo, reader.memoWif);
    return r.ok ? r.bytes.toString('utf8') : '<undecryptable>';
  }

  async function close(): Promise<void> {
    await engine.close();
    await node.close();
    db.close();
    await bittrex.close();
    await chain.close();
  }

  return {
    chain,
    bittrex,
    broker,
    deposit,
    clients,
    managers,
    accounts,
    config,
    db,
    node,
    scanner,
    engine,
    secrets,
    step,
    until,
    paidTo,
    memoText,
    close,
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export function payoutStates(db: Database): Record<string, number> {
  const rows = db.prepare('SELECT state, count(*) AS n FROM payouts GROUP BY state').all() as { state: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
