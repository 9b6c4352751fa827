import Table from 'cli-table3';
import type { Command } from 'commander';
import { COMPACT } from '../../audit/formatRows.js';
import { openDatabase } from '../../db/openDatabase.js';
import { importLegacyContracts } from '../../import/importLegacyContracts.js';
import { loadStakesFile } from '../../import/loadStakesFile.js';
import { configFor } from './shared.js';

/** The `import` command's action (loaded only when it runs; see ../lazyAction.ts). */
export async function importAction(opts: { file: string; dryRun?: boolean }, cmd: Command): Promise<void> {
  const config = configFor(cmd);
  const stakes = loadStakesFile(opts.file);
  const db = openDatabase(config.db);
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
}
