import { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';

/**
 * `stakebts status [--json] [--offline]`: the daemon's state from its database (read-only, safe while it runs)
 * and, unless --offline, the irreversible head and broker balance from the node ("unreachable" if it does not answer).
 * Exits 1 when unhealthy (the reasons are printed), as `/healthz` answers 503.
 * @example stakebts status --json
 */
export function statusCommand(): Command {
  return new Command('status')
    .description(
      'show the daemon state: cursor vs irreversible head, open contracts, amounts due vs funds, payments, errors; exit 1 when unhealthy',
    )
    .option('--json', 'print JSON')
    .option('--offline', 'do not ask the node (database only)')
    .option('--timeout <ms>', 'per-call node timeout', '5000')
    .option('--max-lag <blocks>', 'unhealthy above this many irreversible blocks of lag', '100')
    .action(lazyAction(() => import('./statusAction.js').then((m) => m.statusAction)));
}
