import { Command } from 'commander';
import { CLIENT_TYPES } from '../../../domain/parseMemo.js';
import { SIM_BROKER } from '../../../sim/desk/simAccounts.js';
import { lazyAction } from '../../lazyAction.js';

/**
 * `stakebts sim send --from alice --amount 25000 --memo six_months`: a client's transfer to the broker on the running
 * `sim up` chain, signed with the client's keys from D and with its memo encrypted, as a wallet sends it.
 * @example stakebts sim send --dir sim-desk --from alice --amount 25000 --memo six_months
 */
export function simSendCommand(): Command {
  return new Command('send')
    .description(
      "sign and broadcast a client's transfer on the `sim up` chain, with an encrypted memo: a stake, a stop, a bad memo or a top-up in one command",
    )
    .option('--dir <dir>', 'the `sim up` folder (its keys and running chain)', 'stakebts-sim')
    .option('--from <account>', 'sending account (alice, bob, carol, desk-manager, …)')
    .option('--to <account>', 'receiving account', SIM_BROKER)
    .option('--amount <n>', 'amount in whole units of the asset, decimals allowed (25000, 0.5)')
    .option('--asset <symbol>', 'asset symbol', 'BTS')
    .option('--memo <type>', `a client memo {"type":…}: ${CLIENT_TYPES.join(', ')}`)
    .option('--memo-text <text>', 'a memo exactly as given (a bad memo, a manager memo as JSON)')
    .option('--no-wait', 'return after the broadcast instead of waiting for the block')
    .action(lazyAction(() => import('./sendAction.js').then((m) => m.simSendAction)));
}
