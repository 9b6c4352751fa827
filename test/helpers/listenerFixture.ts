import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { createNodeClient, type NodeClient } from '../../src/chain/nodeClient/index.js';
import { type Config, parseConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { BlockScanner } from '../../src/listener/BlockScanner.js';
import { type ChainSimOptions, type ChainSimulator, type SimAccount, startChainSimulator } from '../../src/sim/chain/index.js';

export const BTS = (n: number | bigint) => BigInt(n) * 100_000n;

export type ListenerFixture = {
  sim: ChainSimulator;
  db: Database;
  dbPath: string;
  node: NodeClient;
  config: Config;
  broker: SimAccount;
  scanner: BlockScanner;
  newScanner(): BlockScanner;
  /** Produce blocks so that everything sent so far is irreversible, then scan to the irreversible head. */
  settle(): Promise<void>;
  close(): Promise<void>;
};

/** A chain simulator with a broker, a temp database and a scanner wired to them. */
export async function startListenerFixture(
  dir: string,
  configOverrides: Record<string, unknown> = {},
  simOptions: ChainSimOptions = {},
): Promise<ListenerFixture> {
  const sim = await startChainSimulator({ blockIntervalMs: 0, irreversibleLag: 3, blockTimeMs: 3_000, ...simOptions });
  const broker = sim.createAccount('stakebts-broker', { seed: 'broker' });
  sim.createAccount('boss', { seed: 'boss' });
  sim.createAccount('bittrex-deposit', { seed: 'bittrex-deposit' });
  sim.produceBlocks(1);
  const dbPath = join(dir, 'db.sqlite');
  const db = openDatabase(dbPath);
  const config = parseConfig({
    db: dbPath,
    nodes: [sim.url],
    chainId: sim.chainId,
    broker: 'stakebts-broker',
    managers: ['boss'],
    startBlock: sim.headBlockNumber + 1,
    ...configOverrides,
  });
  const node = createNodeClient({ urls: [sim.url], expectedChainId: sim.chainId, callTimeoutMs: 5_000 });
  const ids = async (names: string[]) => new Set((await node.getAccounts(names)).flatMap((a) => (a ? [a.id] : [])));
  const managerIds = await ids(config.managers);
  const fundingIds = await ids(config.fundingAccounts);
  const newScanner = () =>
    new BlockScanner({ db, node, config, broker: { id: broker.id, memoWif: broker.memoWif }, managerIds, fundingIds, window: 8 });
  const scanner = newScanner();
  return {
    sim,
    db,
    dbPath,
    node,
    config,
    broker,
    scanner,
    newScanner,
    async settle() {
      sim.produceBlocks(5);
      await scanner.scanOnce();
    },
    async close() {
      await node.close();
      await sim.close();
      db.close();
    },
  };
}

/** Creates and funds a client account. */
export function client(sim: ChainSimulator, name: string, bts = 20_000_000): SimAccount {
  const a = sim.createAccount(name, { seed: name });
  sim.fund(name, BTS(bts));
  return a;
}
