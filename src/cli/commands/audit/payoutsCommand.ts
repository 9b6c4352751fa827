import { Command } from 'commander';
import { lazyAction } from '../../lazyAction.js';
import type { AuditCommandDeps } from '../audit.js';

/** `stakebts audit payouts`. */
export function payoutsCommand(_deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('payouts')
    .description('list payments (intents) with their state, rail and tx / withdrawal id')
    .option('--user <account>', 'payments to this account')
    .option('--contract <id>', 'payments of this contract')
    .option(
      '--purpose <purpose>',
      'contract_receipt | interest | principal | stop | refund | support_notice | bittrex_to_broker | broker_to_bittrex',
    )
    .option('--state <state>', 'pending | sending | unknown | submitted | paid | failed')
    .option('--rail <rail>', 'a rail name: the configured ones (`broker`, …) or one the rows carry')
    .option('--since <time>', 'created at or after (ms or ISO date, UTC)')
    .option('--until <time>', 'created at or before (ms or ISO date, UTC)')
    .option('--limit <n>', 'at most n payments')
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action(lazyAction(() => import('./payoutsAction.js').then((m) => m.payoutsAction(write))));
}
