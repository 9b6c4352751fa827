import { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';

/** Where the keystore lives unless `--keystore` says otherwise. */
export const DEFAULT_KEYSTORE_PATH = './stakebts.keystore.json';

/**
 * `stakebts keys add|list|change-password`: build, inspect and re-password the encrypted keystore.
 * Secrets are only ever typed at masked prompts; nothing secret is printed.
 * @example stakebts keys add --keystore /var/lib/stakebts/stakebts.keystore.json
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description('manage the encrypted keystore (broker keys, Bittrex API keys)');
  keys
    .command('add')
    .description('create the keystore: broker account, active and memo keys, Bittrex API keys, password')
    .option('--keystore <file>', 'keystore file', DEFAULT_KEYSTORE_PATH)
    .option('--overwrite', 'replace an existing keystore (its keys are lost unless kept elsewhere)')
    .action(lazyAction(() => import('./keysActions.js').then((m) => m.keysAddAction)));
  keys
    .command('list')
    .description('show the public facts of the keystore (account, public keys, masked API keys)')
    .option('--keystore <file>', 'keystore file', DEFAULT_KEYSTORE_PATH)
    .option('--password-file <file>', 'read the password from a file (mode 0600) instead of the prompt')
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('./keysActions.js').then((m) => m.keysListAction)));
  keys
    .command('change-password')
    .description('re-encrypt the keystore under a new password')
    .option('--keystore <file>', 'keystore file', DEFAULT_KEYSTORE_PATH)
    .action(lazyAction(() => import('./keysActions.js').then((m) => m.keysChangePasswordAction)));
  return keys;
}
