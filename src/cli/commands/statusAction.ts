import type { Command } from 'commander';
import { isDaemonLockHeld } from '../../db/daemonLock.js';
import { readHealthFacts } from '../../db/health.js';
import { openDatabase } from '../../db/openDatabase.js';
import { BaseError } from '../../errors/BaseError.js';
import { assessHealth } from '../../status/assessHealth.js';
import { collectDbStatus } from '../../status/collectDbStatus.js';
import { collectLiveStatus, trustWarnings } from '../../status/collectLiveStatus.js';
import { formatStatus, statusJson } from '../../status/formatStatus.js';
import { VERSION } from '../../version.js';
import { EXIT } from '../exitCodes.js';
import { configFor } from './shared.js';

type StatusOpts = { json?: boolean; offline?: boolean; timeout: string; maxLag: string };

/** The `status` command's action (loaded only when it runs; see ../lazyAction.ts). */
export async function statusAction(opts: StatusOpts, cmd: Command): Promise<void> {
  const maxLagBlocks = Number(opts.maxLag);
  if (!Number.isSafeInteger(maxLagBlocks) || maxLagBlocks < 0) throw new BaseError('USAGE', '--max-lag must be a whole number of blocks.');
  const config = configFor(cmd);
  const db = openDatabase(config.db, { readonly: true });
  let dbStatus: ReturnType<typeof collectDbStatus>;
  let facts: ReturnType<typeof readHealthFacts>;
  try {
    dbStatus = collectDbStatus(db);
    facts = readHealthFacts(db);
  } finally {
    db.close();
  }
  const daemonRunning = isDaemonLockHeld(config.db);
  const live = opts.offline
    ? {
        node: null,
        brokerBalanceSats: null,
        error: 'not asked (--offline)',
        trust: {
          configured: config.nodes.length,
          reachable: 0,
          quorum: config.quorum,
          warnings: trustWarnings(config, config.nodes.length),
        },
      }
    : await collectLiveStatus(config, { timeoutMs: Math.max(100, Number(opts.timeout) || 5_000) });
  const lagBlocks = live.node ? Math.max(0, live.node.irreversibleBlock - (dbStatus.cursor?.blockNum ?? 0)) : null;
  const health = assessHealth(
    { ...facts, lagBlocks, nodeReachable: opts.offline ? null : live.node !== null, now: Date.now() },
    { maxLagBlocks },
  );
  const status = { db: dbStatus, live };
  if (opts.json) {
    const json = { version: VERSION, daemonRunning, health, ...(statusJson(status) as Record<string, unknown>) };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const head = [
      `stakebts   ${VERSION}; ${daemonRunning ? 'a daemon holds this database' : 'no daemon holds this database'} (${config.db})`,
      `health     ${health.ok ? 'OK' : `UNHEALTHY: ${health.reasons.join('; ')}`}`,
    ];
    process.stdout.write(`${head.join('\n')}\n${formatStatus(status)}`);
  }
  if (!health.ok) process.exitCode = EXIT.FOUND;
}
