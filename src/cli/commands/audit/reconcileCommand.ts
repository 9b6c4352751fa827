import { Command } from 'commander';
import { lazyAction } from '../../lazyAction.js';
import type { AuditCommandDeps } from '../audit.js';
import { skipBittrexOption } from './skipExchangesOption.js';

/** `stakebts audit reconcile`. */
export function reconcileCommand(deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('reconcile')
    .description(
      "compare the broker's transfers on chain and each exchange account's withdrawals with the payouts; non-zero exit on any difference",
    )
    .option('--skip-chain', 'do not read the chain')
    .option('--skip-exchanges', 'do not read the exchange accounts')
    .addOption(skipBittrexOption())
    .option('--from-block <n>', 'scan blocks from n (instead of the account history)')
    .option('--to-block <n>', 'last block of the scan (default: last irreversible)')
    .option('--since <time>', 'only payments from this time (ms or ISO date, UTC): exchange history is read from then on')
    .option('--until <time>', 'only payments up to this time (ms or ISO date, UTC)')
    .option('--keystore <file>', 'keystore holding the exchange API keys (default: config "keystore")')
    .option('--password-file <file>', 'read the keystore password from a file (mode 0600) instead of the prompt')
    .option('--json', 'one JSON document')
    .action(lazyAction(() => import('./reconcileAction.js').then((m) => m.reconcileAction(deps, write))));
}
