import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { createNodeClient, type NodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { readCursor } from '../db/cursor.js';
import { acquireDaemonLock } from '../db/daemonLock.js';
import { openDatabase } from '../db/openDatabase.js';
import { appendReceipt } from '../db/receipts.js';
import { BlockScanner, type ScanProgress } from '../listener/BlockScanner.js';
import { silentLogger } from '../log.js';
import { createPayoutEngine, type PayoutEngine } from '../payout/index.js';
import { wait } from '../utils/promise/index.js';
import { authenticate } from './authenticate.js';
import type { DaemonSecrets } from './DaemonSecrets.js';

export type StartDaemonOptions = {
  config: Config;
  secrets: DaemonSecrets;
  logger?: Logger;
  onProgress?: (p: ScanProgress) => void;
  /** Run the payout loop (off: scan only). @default true */
  payouts?: boolean;
  /** Interval of the balances receipt. @default 2 hours */
  balancesReceiptMs?: number;
};

export type Daemon = {
  db: Database;
  node: NodeClient;
  scanner: BlockScanner;
  engine: PayoutEngine | null;
  /** Settles when both loops have stopped. */
  done: Promise<void>;
  /** Graceful stop; idempotent. */
  close(): Promise<void>;
};

/**
 * Starts the daemon: single-instance lock, database, node connection, start-up authentication (nothing is written
 * before it passes), a start-up receipt, then the listener and the payout loop until `close()`.
 */
export async function startDaemon(options: StartDaemonOptions): Promise<Daemon> {
  const { config, secrets, logger = silentLogger } = options;
  const log = logger.child({ mod: 'daemon' });
  const lock = acquireDaemonLock(config.db);
  const cleanups: Array<() => unknown> = [() => lock.release()];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (err) {
        log.warn({ err }, 'cleanup step failed');
      }
    }
  };
  try {
    const db = openDatabase(config.db);
    cleanups.push(() => db.close());
    const node = createNodeClient({
      urls: config.nodes,
      callTimeoutMs: config.listener.callTimeoutMs,
      logger,
      ...(config.chainId ? { expectedChainId: config.chainId } : {}),
    });
    cleanups.push(() => node.close());
    const auth = await authenticate(node, config, secrets);

    appendReceipt(db, 0, {
      event: 'startup',
      pid: process.pid,
      chainId: auth.chainId,
      broker: { name: auth.broker.name, id: auth.broker.id },
      nodes: config.nodes.map((u) => u.replace(/\/\/[^@/]*@/, '//')),
      managers: config.managers,
      fundingAccounts: config.fundingAccounts,
      terms: config.terms,
      rails: config.payout.rails,
      bittrexAccounts: config.bittrex.accounts.map((a) => a.index),
      cursor: readCursor(db)?.blockNum ?? null,
      brokerBalanceSats: await node.getAccountBalance(auth.broker.id),
      bittrexBalancesSats: auth.bittrexBalances,
    });

    const scanner = new BlockScanner({
      db,
      node,
      config,
      // The listener decrypts every memo with it and takes it plain (src/listener is left as it is): revealed here.
      broker: { id: auth.broker.id, memoWif: secrets.brokerMemoWif.reveal() },
      managerIds: auth.managerIds,
      fundingIds: auth.fundingIds,
      logger,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const engine =
      options.payouts === false
        ? null
        : createPayoutEngine({
            db,
            config,
            node,
            secrets,
            brokerAccount: { id: auth.broker.id, name: auth.broker.name },
            // "Now" for due payments is the time of the last block the listener has applied: a stop in a block not yet
            // applied must still be able to abort interest due after it.
            nowProvider: async () => readCursor(db)?.blockTime ?? 0,
            logger,
          });
    if (engine) cleanups.push(() => engine.close());

    const controller = new AbortController();
    const balances = async () => {
      const every = options.balancesReceiptMs ?? 2 * 3_600_000;
      while (!controller.signal.aborted) {
        await wait(every, controller.signal).catch(() => {});
        if (controller.signal.aborted) break;
        try {
          appendReceipt(db, 0, { event: 'balances', brokerBalanceSats: await node.getAccountBalance(auth.broker.id) });
        } catch (err) {
          log.warn({ err }, 'balances receipt failed');
        }
      }
    };
    const done = Promise.all([scanner.run(controller.signal), engine?.run(controller.signal), balances()]).then(() => undefined);
    log.info({ broker: auth.broker.name, chainId: auth.chainId, cursor: readCursor(db)?.blockNum ?? null }, 'stakebts started');

    let closing: Promise<void> | undefined;
    return {
      db,
      node,
      scanner,
      engine,
      done,
      close() {
        closing ??= (async () => {
          controller.abort();
          await done.catch((err) => log.error({ err }, 'loop failed while stopping'));
          appendReceipt(db, 0, { event: 'shutdown', pid: process.pid, cursor: readCursor(db)?.blockNum ?? null });
          await cleanup();
          log.info('stakebts stopped');
        })();
        return closing;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
