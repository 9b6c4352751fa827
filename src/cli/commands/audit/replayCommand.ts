import { Command } from 'commander';
import type { ReconcileDeps } from '../../../audit/reconcileDeps.js';
import { lazyAction } from '../../lazyAction.js';
import { skipBittrexOption } from './skipExchangesOption.js';

/**
 * `stakebts audit replay`: recomputes from RULES.md alone what every client is owed, from the transfers to the
 * broker, and compares it with what the chain and the exchange accounts show was paid. Exit 1 on any difference.
 */
export function replayCommand(deps: ReconcileDeps & { write?: (text: string) => void }): Command {
  const write = deps.write ?? ((t: string) => void process.stdout.write(t));
  return new Command('replay')
    .description(
      'recompute what every client is owed from the transfers to the broker (RULES.md) and compare with what was paid; exit 1 on any difference',
    )
    .option(
      '--history',
      "read the transfers to the broker from the broker's account history (default: processed_ops, checked against the chain)",
    )
    .option('--from-block <n>', 'read the transfers to the broker from a block scan starting at n')
    .option('--to-block <n>', 'last block of the scan (default: last irreversible)')
    .option('--until <time>', 'entitlements due up to this time (default: the last block the daemon applied)')
    .option('--skip-exchanges', "do not read the exchange accounts' withdrawals (their payments then show as missing)")
    .addOption(skipBittrexOption())
    .option(
      '--keystore <file>',
      'keystore holding the exchange API keys and, with --history/--from-block, the memo key (default: config "keystore")',
    )
    .option('--password-file <file>', 'read the keystore password from a file (mode 0600) instead of the prompt')
    .option('--json', 'one JSON document')
    .action(lazyAction(() => import('./replayAction.js').then((m) => m.replayAction(deps, write))));
}
