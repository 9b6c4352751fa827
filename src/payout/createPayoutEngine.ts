import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { duePayments, paymentsInFlight } from '../db/payouts.js';
import { silentLogger } from '../log.js';
import { wait } from '../utils/promise/index.js';
import { type ExecuteOutcome, executePayout } from './executePayout.js';
import { mapPool } from './mapPool.js';
import type { RailKind } from './rails/Rail.js';
import { createRailRegistry, RAIL_KINDS } from './rails/registry.js';
import { type ReconcileOutcome, reconcileOpen } from './reconcileOpen.js';
import { defaultWorkerPath } from './runWorker.js';
import { scheduleDue } from './scheduleDue.js';
import { topUpBroker } from './topUpBroker.js';
import type { EngineContext, PayoutSecrets } from './types.js';

export type PayoutEngineOptions = {
  db: Database;
  config: Config;
  node: NodeClient;
  /** Used in this process only (signing); never handed to a worker, never logged. */
  secrets: PayoutSecrets;
  brokerAccount: { id: string; name: string };
  /** Time of the last irreversible block, ms: "now" for due payments. */
  nowProvider: () => Promise<number>;
  logger?: Logger;
  /** Worker script to fork. @default dist/payout/worker.bundle.cjs (built by `npm run build`) */
  workerPath?: string;
  /** Interval of the foreign-withdrawal check on the exchange rails; 0 = every cycle. @default 600_000 */
  foreignCheckMs?: number;
  /** Chain tx expiration after chain time, seconds (1..86400). @default 120 */
  txExpiresInSec?: number;
  /**
   * Whether payments may be sent now (the daemon's start-up gate; see startDaemon): while not ready, a cycle settles
   * what is due and nothing else. `strict` (the database may have lost records: restored, or of unknown history) also
   * requires every exchange account's withdrawals to have been matched once, with the listener caught up.
   * @default always ready, not strict
   */
  readiness?: () => Readiness;
  /** Called once per cycle in which the gate is open (payments go): e.g. to receipt the end of a recovery. */
  onReady?: () => void;
  /** The rail kinds `config.rails` may name. @default RAIL_KINDS */
  railKinds?: ReadonlyMap<string, RailKind>;
};

export type Readiness = {
  ready: boolean;
  /** Why not, for the log and status. */
  reason?: string;
  /** The listener has applied every irreversible block it knows of. */
  caughtUp: boolean;
  strict: boolean;
};

export type CycleReport = {
  libNow: number;
  intents: number;
  penaltiesAborted: number;
  reconciled: Record<ReconcileOutcome, number>;
  executed: Record<ExecuteOutcome, number>;
  /** Worker processes run this cycle and their summed wall time (fork to exit), ms. */
  workers: number;
  workerMs: number;
  /** Set when the cycle sent and reconciled nothing because the start-up gate is closed: why. */
  waiting?: string;
  /** The cycle started as many payments as `payout.maxStartsPerCycle` allows: more are due. */
  capped: boolean;
};

export type PayoutEngine = {
  /** One cycle: schedule due rows, reconcile every payment in flight, then execute due intents. */
  runCycle(): Promise<CycleReport>;
  /** Cycles every `payout.cycleMs` until `signal` aborts; a failing cycle is logged and retried. */
  run(signal: AbortSignal): Promise<void>;
  /** Stops: waits for the running cycle (workers are bounded by their time limit). Idempotent. */
  close(): Promise<void>;
};

/** Lifetime of the chain transactions the broker rail signs, after chain time (a node accepts up to a day). */
export const DEFAULT_TX_EXPIRES_SEC = 120;

/** Payments in flight longer than this are reported for a human (they are never silently retried). */
const STUCK_ALERT_MS = 3_600_000;

/**
 * The payout engine: exactly-once payments over the configured rails (rails/registry.ts), each attempt in its own
 * time-limited child process. See exactly-once-payouts.md; the state machine is in db/paymentTransitions.ts.
 *
 * @example
 * const engine = createPayoutEngine({ db, config, node, secrets, brokerAccount, nowProvider: async () => libTime });
 * const report = await engine.runCycle();
 */
export function createPayoutEngine(options: PayoutEngineOptions): PayoutEngine {
  const { db, config, node, secrets, brokerAccount, nowProvider, logger = silentLogger } = options;
  const log = logger.child({ mod: 'payout' });
  const controller = new AbortController();
  const txExpiresInSec = options.txExpiresInSec ?? DEFAULT_TX_EXPIRES_SEC;
  const rails = createRailRegistry(
    config,
    { db, config, node, secrets, brokerAccount, logger: log, txExpiresInSec },
    options.railKinds ?? RAIL_KINDS,
  );
  const foreignCheckMs = options.foreignCheckMs ?? 600_000;
  let lastForeignCheck = Number.NEGATIVE_INFINITY;
  /** Rails whose withdrawals were listed and matched at least once (a strict start waits for all). */
  const matchedOnce = new Set<string>();
  const checked = rails.all.filter((r) => r.checkForeign !== undefined);
  const readiness = options.readiness ?? (() => ({ ready: true, caughtUp: true, strict: false }));
  let lastWaiting: string | null = null;
  const ctx: EngineContext = {
    db,
    config,
    node,
    brokerAccount,
    logger: log,
    rails,
    runner: {
      workerPath: options.workerPath ?? defaultWorkerPath(),
      timeoutMs: config.payout.timeoutMs,
      signal: controller.signal,
      stats: { workers: 0, workerMs: 0 },
    },
    libNow: 0,
    topUpPending: false,
  };
  let chainId: string | null = null;
  let clocksSynced = false;
  let current: Promise<CycleReport> | null = null;
  let closed = false;

  async function cycle(): Promise<CycleReport> {
    const libNow = await nowProvider();
    chainId ??= await node.getChainId();
    if (!clocksSynced) {
      clocksSynced = true;
      await Promise.all(rails.all.map((r) => r.syncClock?.().catch(() => undefined)));
    }
    ctx.libNow = libNow;
    for (const r of rails.all) r.beginCycle({ libNow, chainId });
    ctx.runner.stats = { workers: 0, workerMs: 0 };
    const report: CycleReport = {
      libNow,
      intents: 0,
      penaltiesAborted: 0,
      reconciled: { paid: 0, expired: 0, cancelled: 0, failed: 0, reset: 0, open: 0 },
      executed: { sent: 0, ambiguous: 0, deferred: 0, retry: 0, failed: 0, skipped: 0 },
      workers: 0,
      workerMs: 0,
      capped: false,
    };
    // (a) due rows → intents; matured penalties → aborted.
    const s = scheduleDue(db, libNow);
    report.intents = s.intents;
    report.penaltiesAborted = s.penaltiesAborted;

    // (a2) the start-up gate: until the listener has caught up (and, after a restore, the chain has outlived every tx
    // the lost records may have sent, and the exchange accounts are matched), nothing is sent or re-sent.
    const gate = readiness();
    const unmatched = () => checked.some((r) => r.usable() && !matchedOnce.has(r.name));
    const mustMatchExchange = gate.strict && gate.caughtUp && unmatched();
    if (checked.length > 0 && gate.caughtUp && (mustMatchExchange || Date.now() - lastForeignCheck >= foreignCheckMs)) {
      lastForeignCheck = Date.now();
      for (const r of checked) {
        if (!r.usable()) continue;
        const c = await r.checkForeign!({ caughtUp: gate.caughtUp });
        if (c.listed) matchedOnce.add(r.name);
      }
    }
    const exchangePending = gate.strict && unmatched();
    if (!gate.ready || exchangePending) {
      report.waiting = !gate.ready ? (gate.reason ?? 'not ready') : 'matching the exchange accounts’ withdrawals after a restore';
      if (report.waiting !== lastWaiting) log.warn({ reason: report.waiting }, 'payments wait');
      lastWaiting = report.waiting;
      return report;
    }
    if (lastWaiting !== null) log.info('payments resume');
    lastWaiting = null;
    options.onReady?.();

    // (b) reconcile every payment in flight before anything new is sent.
    const open = paymentsInFlight(db);
    await mapPool(open, config.payout.concurrency, async (p) => {
      if (closed) return;
      const r = await reconcileOpen(ctx, p);
      report.reconciled[r]++;
      if (r === 'open' && Date.now() - p.updated_at > STUCK_ALERT_MS) {
        log.error({ payoutId: p.id, state: p.state, since: p.updated_at }, 'payment in flight for over an hour: needs a human');
      }
    });

    // (b2) broker-first treasury: withdraw a shortfall from the exchange accounts to the broker before paying clients.
    if (!closed) ctx.topUpPending = (await topUpBroker(ctx)).pending;

    // (c) execute due intents with bounded concurrency.
    if (!closed) {
      const due = duePayments(db, Date.now(), config.payout.maxStartsPerCycle);
      report.capped = due.length === config.payout.maxStartsPerCycle;
      if (due.length > 0) {
        await mapPool(due, config.payout.concurrency, async (p) => {
          if (closed) return;
          try {
            report.executed[await executePayout(ctx, p)]++;
          } catch (err) {
            report.executed.retry++;
            log.error(
              { payoutId: p.id, err: err instanceof Error ? err.message.split('\n')[0] : String(err) },
              'payment round failed; retried next cycle',
            );
          }
        });
      }
    }
    report.workers = ctx.runner.stats.workers;
    report.workerMs = ctx.runner.stats.workerMs;
    if (report.intents + report.executed.sent + report.reconciled.paid > 0) log.info(report, 'payout cycle');
    return report;
  }

  function runCycle(): Promise<CycleReport> {
    // One cycle at a time: a second caller waits for the running one, then runs its own.
    const prev = current ?? Promise.resolve(null);
    const next = prev.catch(() => null).then(() => cycle());
    current = next;
    return next;
  }

  return {
    runCycle,
    async run(signal: AbortSignal): Promise<void> {
      // The stop signal ends the loop AND the running cycle: no new attempt (and no new reconciliation) starts after
      // it; workers already running finish within their time limit, or are left to reconciliation at the next start.
      const stop = () => {
        closed = true;
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      while (!signal.aborted && !closed) {
        let capped = false;
        try {
          capped = (await runCycle()).capped;
        } catch (err) {
          log.warn({ err: err instanceof Error ? err.message.split('\n')[0] : String(err) }, 'payout cycle failed; retrying');
        }
        // A capped cycle left payments due: come back sooner (after a breath for the listener to see what was sent).
        await wait(capped ? Math.max(100, Math.floor(config.payout.cycleMs / 10)) : config.payout.cycleMs, signal).catch(() => {});
      }
      await current?.catch(() => null);
    },
    async close(): Promise<void> {
      closed = true;
      await current?.catch(() => null);
    },
  };
}
