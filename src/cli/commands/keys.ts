import { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';

/** Where the keystore lives unless `--keystore` says otherwise. */
export const DEFAULT_KEYSTORE_PATH = './stakebts.keystore.json';

/**
 * `stakebts keys add|list|change-password|rotate-memo|rotate-active`: build, inspect, re-password the encrypted
 * keystore and replace one broker key in it.
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
  for (const which of ['memo', 'active'] as const) {
    keys
      .command(`rotate-${which}`)
      .description(
        which === 'memo'
          ? "replace the broker's memo key, keeping the others; the old memo key is kept to read memos still encrypted to it"
          : "replace the broker's active key, keeping the others; the next start checks it against the account on chain",
      )
      .option('--keystore <file>', 'keystore file', DEFAULT_KEYSTORE_PATH)
      .option('--wif-file <file>', `read the new ${which} private key (WIF) from a file (mode 0600) instead of the prompt`)
      .option('--password-file <file>', 'read the keystore password from a file (mode 0600) instead of the prompt')
      .action(lazyAction(() => import('./keysActions.js').then((m) => m.keysRotateAction(which))));
  }
  return keys;
}
