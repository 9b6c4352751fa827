import { Command } from 'commander';
import { DEFAULT_STAKES_FILE } from '../../import/loadStakesFile.js';
import { lazyAction } from '../lazyAction.js';

/**
 * `stakebts import [--dry-run] [--file F]`: legacy contracts into the database, all or nothing, idempotent.
 * @example stakebts import --dry-run
 */
export function importCommand(): Command {
  return new Command('import')
    .description("import legacy contracts (preexisting_contracts.ts, the original bot's .py, or a .txt of lines) into the database")
    .option('--file <path>', 'file holding the STAKES lines (read as text, never run)', DEFAULT_STAKES_FILE)
    .option('--dry-run', 'validate and show what would be imported; write nothing')
    .action(lazyAction(() => import('./importAction.js').then((m) => m.importAction)));
}
