import Table from 'cli-table3';
import { Command } from 'commander';
import { COMPACT } from '../../audit/formatRows.js';
import { openDatabase } from '../../db/openDatabase.js';
import { importLegacyContracts } from '../../import/importLegacyContracts.js';
import { DEFAULT_STAKES_FILE, loadStakesFile } from '../../import/loadStakesFile.js';
import { configFor } from './shared.js';

/**
 * `stakebts import [--dry-run] [--file F]`: legacy contracts into the database, all or nothing, idempotent.
 * @example stakebts import --dry-run
 */
export function importCommand(): Command {
  return new Command('import')
    .description("import legacy contracts (preexisting_contracts.ts, the original bot's .py, or a .txt of lines) into the database")
    .option('--file <path>', 'file holding the STAKES lines (read as text, never run)', DEFAULT_STAKES_FILE)
    .option('--dry-run', 'validate and show what would be imported; write nothing')
    .action(async (opts: { file: string; dryRun?: boolean }, cmd: Command) => {
      const config = configFor(cmd);
      const stakes = loadStakesFile(opts.file);
      const db = openDatabase(config.db, {
        onSchemaMigrated: (m) =>
          process.stderr.write(`The database schema was migrated from v${m.from} to v${m.to}; the copy from before is ${m.backup.file}.\n`),
      });
      try {
        const result = importLegacyContracts(db, stakes.text, config.terms, { dryRun: opts.dryRun === true, firstLine: stakes.firstLine });
        const table = new Table({
          head: ['line', 'user', 'amount BTS', 'months', 'paid', 'start (UTC)', 'result'],
          style: { head: [], border: [] },
          chars: COMPACT,
        });
        const rows = [
          ...result.imported.map((c) => ({ ...c, result: result.dryRun ? 'would import' : `imported as contract ${c.contractId}` })),
          ...result.alreadyPresent.map((c) => ({ ...c, result: 'already imported' })),
        ].sort((a, b) => a.line - b.line);
        for (const c of rows) {
          table.push([c.line, c.user, c.amountBts, c.months, c.monthsPaid, new Date(c.start).toISOString(), c.result]);
        }
        process.stdout.write(`${table.toString()}\n`);
        const verb = result.dryRun ? 'would import' : 'imported';
        process.stdout.write(`${verb} ${result.imported.length} contract(s), ${result.alreadyPresent.length} already present.\n`);
      } finally {
        db.close();
      }
    });
}
