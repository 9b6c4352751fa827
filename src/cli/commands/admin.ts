import { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';

/**
 * `stakebts admin bittrex-to-broker|broker-to-bittrex --account N --amount A [--password-file F]` and `admin loans`:
 * the manager's fund moves as payment intents (the running daemon's payout loop sends them) and the loan ledger per
 * manager. A fund move needs the keystore password, as `start` does (prompt or --password-file; never argv or env):
 * write access to the database alone moves no money. Its receipt names the manager and the keystore's fingerprint.
 * @example stakebts admin broker-to-bittrex --account 2 --amount 5000
 */
export function adminCommand(): Command {
  const admin = new Command('admin').description('manager fund moves (through the payout loop) and the loan ledger');
  admin
    .command('bittrex-to-broker')
    .description('withdraw BTS from an exchange account (legacy Bittrex) to the broker (tagged funding)')
    .requiredOption('--account <n>', 'exchange account number, as its rails entry names it')
    .requiredOption('--amount <bts>', 'amount in BTS (up to 5 decimals)')
    .option('--password-file <file>', 'read the keystore password from a file (mode 0600) instead of the prompt')
    .option('--keystore <file>', 'keystore file (default: "keystore" in the config)')
    .action(lazyAction(() => import('./adminActions.js').then((m) => m.bittrexToBrokerAction)));
  admin
    .command('broker-to-bittrex')
    .description(
      "send BTS from the broker to an exchange account's deposit address (refused if it leaves the next days' payments uncovered)",
    )
    .requiredOption('--account <n>', 'exchange account number, as its rails entry names it')
    .requiredOption('--amount <bts>', 'amount in BTS (up to 5 decimals)')
    .option('--password-file <file>', 'read the keystore password from a file (mode 0600) instead of the prompt')
    .option('--keystore <file>', 'keystore file (default: "keystore" in the config)')
    .action(lazyAction(() => import('./adminActions.js').then((m) => m.brokerToBittrexAction)));
  admin
    .command('loans')
    .description('list the loans managers made to the broker, per manager')
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('./adminActions.js').then((m) => m.loansAction)));
  return admin;
}
