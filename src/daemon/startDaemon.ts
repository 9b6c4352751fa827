import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { createNodeClient, type NodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { appendAlarm } from '../db/alarms.js';
import { checkIntegrity } from '../db/checkIntegrity.js';
import { readCursor } from '../db/cursor.js';
import { acquireDaemonLock } from '../db/daemonLock.js';
import { openDatabase } from '../db/openDatabase.js';
import { appendReceipt, recoveryPending } from '../db/receipts.js';
import { BaseError, isError } from '../errors/BaseError.js';
import { BlockScanner, type ScanProgress } from '../listener/BlockScanner.js';
import { silentLogger } from '../log.js';
import { DEFAULT_TX_EXPIRES_SEC } from '../payout/createPayoutEngine.js';
import type { PayoutSecrets } from '../payout/index.js';
import { createPayoutEngine, type PayoutEngine } from '../payout/index.js';
import { railEntries } from '../payout/rails/registry.js';
import { wait } from '../utils/promise/index.js';
import { VERSION } from '../version.js';
import { authenticate } from './authenticate.js';
import { judgeDatabase, readGenerationMark } from './generationMark.js';
import { tapBusinessEvents } from './logBusinessEvents.js';
import { paymentGate } from './paymentGate.js';
import { scheduleBackups } from './scheduleBackups.js';
import { watchDatabaseFile } from './watchDatabaseFile.js';

export type StartDaemonOptions = {
  config: Config;
  secrets: PayoutSecrets;
  logger?: Logger;
  onProgress?: (p: ScanProgress) => void;
  /** Run the payout loop (off: scan only). @default true */
  payouts?: boolean;
  /** Interval of the balances receipt. @default 2 hours */
  balancesReceiptMs?: number;
  /** The operator says this is a first start: an empty database on a path a daemon ran on is accepted. @default false */
  firstStart?: boolean;
  /** Run SQLite's full integrity_check at start instead of quick_check. @default false */
  integrityCheck?: boolean;
};

/**
 * A database that was never scanned, for a broker that has sent transactions before (it paid fees): either the real
 * database was lost (its `.state` mark with it) or this is a migration. Starting would scan from `startBlock` and
 * could pay again what was paid; the operator must say it is a first start (`--first-start`).
 */
async function refuseNewDatabaseOnUsedBroker(node: NodeClient, brokerId: string, brokerName: string, realPath: string): Promise<void> {
  const stats = await node.getAccountStatistics(brokerId).catch(() => null);
  if (stats === null || stats.feesPaidSats === 0n) return;
  throw new BaseError(
    'DB_REPLACED',
    `The database ${realPath} is new, but the broker "${brokerName}" has sent transactions on chain before; restore the last backup (docs/operating.md), or start with --first-start if this really is the first start of this desk (a migration from the old bot).`,
  );
}

export type Daemon = {
  db: Database;
  node: NodeClient;
  scanner: BlockScanner;
  engine: PayoutEngine | null;
  /** Settles when both loops have stopped; rejects (one sentence) when the daemon had to stop on its own. */
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
    // The real path, as the lock resolved it: every name of this file shares one WAL and one lock.
    const db = openDatabase(lock.realPath, {
      onSchemaMigrated: (m) =>
        log.info(
          { from: m.from, to: m.to, backup: m.backup.file },
          `database schema migrated from v${m.from} to v${m.to}; the copy from before is ${m.backup.file}`,
        ),
    });
    cleanups.push(() => db.close());
    checkIntegrity(db, { full: options.integrityCheck ?? false });
    const mark = readGenerationMark(lock.realPath);
    const standing = judgeDatabase(db, readCursor(db) !== null, mark);
    if (standing === 'emptied' && mark !== null && !options.firstStart) {
      throw new BaseError(
        'DB_REPLACED',
        `The database ${lock.realPath} is new, but a daemon ran on it before (its last receipt was ${mark.receiptId}); restore the last backup (docs/operating.md), or start with --first-start if you really start over.`,
      );
    }
    // A node on another chain is skipped, with a receipt (once per node), and the other nodes are used.
    const refusedNodes = new Set<string>();
    const node = createNodeClient({
      urls: config.nodes,
      callTimeoutMs: config.listener.callTimeoutMs,
      logger,
      expectedChainId: config.chainId,
      onResponse: (info) => {
        if (info.ok || !isError(info.error, 'CHAIN_ID_MISMATCH') || refusedNodes.has(info.url)) return;
        refusedNodes.add(info.url);
        try {
          appendReceipt(db, 0, {
            event: 'node_refused',
            node: info.url,
            reason: (info.error as Error).message.split('\n')[0],
            expectedChainId: config.chainId,
          });
        } catch (err) {
          log.warn({ err }, 'could not receipt a refused node');
        }
        log.warn({ node: info.url }, 'node on another chain: skipped');
      },
    });
    cleanups.push(() => node.close());
    const auth = await authenticate(node, config, secrets);
    if (standing === 'new' && !options.firstStart) await refuseNewDatabaseOnUsedBroker(node, auth.broker.id, config.broker, lock.realPath);

    appendReceipt(db, 0, {
      event: 'startup',
      version: VERSION,
      pid: process.pid,
      chainId: auth.chainId,
      broker: { name: auth.broker.name, id: auth.broker.id },
      nodes: config.nodes.map((u) => u.replace(/\/\/[^@/]*@/, '//')),
      managers: config.managers,
      fundingAccounts: config.fundingAccounts,
      terms: config.terms,
      rails: railEntries(config).map((r) => r.name),
      cursor: readCursor(db)?.blockNum ?? null,
      database: standing,
      brokerBalanceSats: await node.getAccountBalance(auth.broker.id),
      railBalancesSats: auth.railBalances,
      railsUnreachable: auth.railsUnreachable.map(({ rail, error }) => ({ rail, error })),
    });
    for (const u of auth.railsUnreachable) {
      log.warn({ rail: u.rail, error: u.error }, `${u.label} did not answer at start-up; payments use the other rails until it does`);
    }

    if (standing === 'behind' || standing === 'unknown') {
      appendAlarm(db, 0, 'database_replaced', {
        standing,
        lastReceiptWritten: mark?.receiptId ?? null,
        note:
          standing === 'behind'
            ? 'this database is older than the one the daemon last wrote (a restored backup): payments wait until the chain and the exchange accounts are matched'
            : 'no record of what the daemon last wrote on this path: treated as a restored backup',
      });
      log.warn({ standing }, 'database may miss payments made since it was copied: payments wait until they are matched');
    }
    // Strict until the recovery completes, also across restarts in the middle of it (the mark then names the
    // restored database's own receipts, so the standing alone would say `continues`).
    const strict = standing === 'behind' || standing === 'unknown' || recoveryPending(db);
    let recovering = strict;
    const headAtStart = await node.getDynamicGlobalProperties();

    const scanner = new BlockScanner({
      db,
      node,
      config,
      // The listener decrypts every memo with it and takes it plain (src/listener is left as it is): revealed here.
      broker: {
        id: auth.broker.id,
        memoWif: secrets.brokerMemoWif.reveal(),
        retiredMemoWifs: (secrets.brokerRetiredMemoWifs ?? []).map((w) => w.reveal()),
      },
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
            onReady: () => {
              if (!recovering) return;
              recovering = false;
              appendReceipt(db, 0, {
                event: 'recovery_complete',
                cursor: readCursor(db)?.blockNum ?? null,
                note: 'chain and exchange matched; payments resume',
              });
              log.info('recovery complete: every payment the database could miss was matched; payments resume');
            },
            readiness: paymentGate({
              strict,
              headTimeAtStart: headAtStart.time,
              txExpiresInSec: DEFAULT_TX_EXPIRES_SEC,
              caughtUp: () => scanner.caughtUp,
              cursorTime: () => readCursor(db)?.blockTime ?? 0,
            }),
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
    let stoppedOnItsOwn: (err: BaseError) => void = () => {};
    const fatal = new Promise<never>((_, reject) => {
      stoppedOnItsOwn = reject;
    });
    const watch = watchDatabaseFile({
      db,
      realPath: lock.realPath,
      onLost: (sentence) => {
        log.error({ realPath: lock.realPath }, sentence);
        try {
          appendAlarm(db, 0, 'database_replaced', { note: sentence });
        } catch {
          // the file is gone: the log line is the record
        }
        controller.abort();
        stoppedOnItsOwn(new BaseError('DB_REPLACED', sentence));
      },
    });
    cleanups.push(() => watch.stop());
    const backups = config.backup.dir
      ? scheduleBackups({
          db,
          dir: config.backup.dir,
          everyMs: config.backup.everyMs,
          keep: config.backup.keep,
          signal: controller.signal,
          logger: log,
        })
      : Promise.resolve();
    // Business events (contract opened, refund queued, payment paid, alarm…) at info, one line each, from the receipts.
    cleanups.push(tapBusinessEvents(db, log, controller.signal));
    const loops = Promise.all([scanner.run(controller.signal), engine?.run(controller.signal), balances(), backups]).then(() => undefined);
    const done = Promise.race([loops, fatal]);
    done.catch(() => {});
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
          await loops.catch((err) => log.error({ err }, 'loop failed while stopping'));
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
