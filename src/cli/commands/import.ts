import { Command } from 'commander';
import { DEFAULT_STAKES_FILE } from '../../import/loadStakesFile.js';
import { lazyAction } from '../lazyAction.js';

/**
 * `stakebts import [--dry-run] [--file F] [--allow-unknown-accounts] [--no-account-check]`: legacy contracts into
 * the database, all or nothing, idempotent. Every account is looked up on chain first (the configured nodes); a
 * missing one refuses the import unless allowed, an unanswered lookup refuses it unless the check is skipped.
 * @example stakebts import --dry-run
 */
export function importCommand(): Command {
  return new Command('import')
    .description("import legacy contracts (preexisting_contracts.ts, the original bot's .py, or a .txt of lines) into the database")
    .option('--file <path>', 'file holding the STAKES lines (read as text, never run)', DEFAULT_STAKES_FILE)
    .option('--dry-run', 'validate and show what would be imported, what falls due at once and which accounts exist; write nothing')
    .option('--allow-unknown-accounts', 'import lines whose account does not exist on chain (their payments will fail until it does)')
    .option('--no-account-check', 'do not look the accounts up on chain (no node needed); they show as "not checked"')
    .action(lazyAction(() => import('./importAction.js').then((m) => m.importAction)));
}
