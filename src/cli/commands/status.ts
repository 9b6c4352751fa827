import { Command } from 'commander';
import { openDatabase } from '../../db/openDatabase.js';
import { collectDbStatus } from '../../status/collectDbStatus.js';
import { collectLiveStatus, trustWarnings } from '../../status/collectLiveStatus.js';
import { formatStatus, statusJson } from '../../status/formatStatus.js';
import { configFor } from './shared.js';

/**
 * `stakebts status [--json] [--offline]`: the daemon's state from its database (read-only, safe while it runs)
 * and, unless --offline, the irreversible head and broker balance from the node ("unreachable" if it does not answer).
 * @example stakebts status --json
 */
export function statusCommand(): Command {
  return new Command('status')
    .description('show the daemon state: cursor vs irreversible head, open contracts, amounts due vs funds, payments, errors')
    .option('--json', 'print JSON')
    .option('--offline', 'do not ask the node (database only)')
    .option('--timeout <ms>', 'per-call node timeout', '5000')
    .action(async (opts: { json?: boolean; offline?: boolean; timeout: string }, cmd: Command) => {
      const config = configFor(cmd);
      const db = openDatabase(config.db, { readonly: true });
      let dbStatus: ReturnType<typeof collectDbStatus>;
      try {
        dbStatus = collectDbStatus(db);
      } finally {
        db.close();
      }
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
      const status = { db: dbStatus, live };
      process.stdout.write(opts.json ? `${JSON.stringify(statusJson(status), null, 2)}\n` : formatStatus(status));
    });
}
