import Table from 'cli-table3';
import type { Command } from 'commander';
import { COMPACT } from '../../audit/formatRows.js';
import { createNodeClient } from '../../chain/nodeClient/index.js';
import type { Config } from '../../config/index.js';
import { openDatabase } from '../../db/openDatabase.js';
import { BaseError } from '../../errors/BaseError.js';
import { type AccountCheck, type AccountState, checkLegacyAccounts } from '../../import/checkLegacyAccounts.js';
import { forecastImport } from '../../import/forecastImport.js';
import { ImportInvalidError, importLegacyContracts } from '../../import/importLegacyContracts.js';
import { legacyNextDue } from '../../import/legacyNextDue.js';
import { loadStakesFile } from '../../import/loadStakesFile.js';
import { parseLegacyStakes } from '../../import/parseLegacyStakes.js';
import { silentLogger } from '../../log.js';
import { configFor } from './shared.js';

type ImportOpts = { file: string; dryRun?: boolean; accountCheck: boolean; allowUnknownAccounts?: boolean };

/** The `import` command's action (loaded only when it runs; see ../lazyAction.ts). */
export async function importAction(opts: ImportOpts, cmd: Command): Promise<void> {
  await runImport(opts, configFor(cmd));
}

async function runImport(opts: ImportOpts, config: Config): Promise<void> {
  const stakes = loadStakesFile(opts.file);
  const now = Date.now();
  // Every line is validated before a node is asked or the database opened.
  const parsed = parseLegacyStakes(stakes.text, config.terms, now, stakes.firstLine);
  if (parsed.errors.length > 0) throw new ImportInvalidError(parsed.errors);
  // The database before the node: a local failure (missing folder, locked, newer schema) is said before any network wait.
  const db = openDatabase(config.db, {
    onSchemaMigrated: (m) =>
      process.stderr.write(`The database schema was migrated from v${m.from} to v${m.to}; the copy from before is ${m.backup.file}.\n`),
  });
  let refusal: BaseError | null = null;
  try {
    const users = parsed.contracts.map((c) => c.user);
    const check = opts.accountCheck ? await checkOnChain(config, users) : await checkLegacyAccounts(users, null);
    const missing = check.accounts.filter((a) => a.state === 'missing').map((a) => a.name);
    refusal = refusalOf(opts, check, missing);
    const dryRun = opts.dryRun === true || refusal !== null;
    const result = importLegacyContracts(db, stakes.text, config.terms, { dryRun, now, firstLine: stakes.firstLine });
    const state = new Map(check.accounts.map((a) => [a.name, a.state]));
    const table = new Table({
      head: ['line', 'user', 'on chain', 'amount BTS', 'months', 'paid', 'start (UTC)', 'next due (UTC)', 'result'],
      style: { head: [], border: [] },
      chars: COMPACT,
    });
    const rows = [
      ...result.imported.map((c) => ({
        ...c,
        result: refusal !== null ? 'refused' : result.dryRun ? 'would import' : `imported as contract ${c.contractId}`,
      })),
      ...result.alreadyPresent.map((c) => ({ ...c, result: 'already imported' })),
    ].sort((a, b) => a.line - b.line);
    for (const c of rows) {
      const next = legacyNextDue(c, config.terms);
      const due = next.nextInterest
        ? `${iso(next.nextInterest.due)} interest ${next.nextInterest.number}`
        : `${iso(next.principalDue)} principal`;
      table.push([
        c.line,
        c.user,
        STATE_TEXT[state.get(c.user) ?? 'not_checked'],
        c.amountBts,
        c.months,
        c.monthsPaid,
        iso(c.start),
        due,
        c.result,
      ]);
    }
    process.stdout.write(`${table.toString()}\n`);
    const forecast = forecastImport(result.imported, config.terms, now, config.payout.cycleMs);
    const verb = refusal !== null ? 'would import (refused, see below)' : result.dryRun ? 'would import' : 'imported';
    const lines = [
      `${verb} ${result.imported.length} contract(s), ${result.alreadyPresent.length} already present.`,
      `due at once (at or before ${iso(now)}): ${forecast.dueNow.rows} payment(s), ${forecast.dueNow.bts} BTS.`,
      `due by the end of the first payout cycle (${iso(forecast.firstCycle.by)}): ${forecast.firstCycle.rows} payment(s), ${forecast.firstCycle.bts} BTS.`,
      accountsLine(check, missing),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    db.close();
  }
  if (refusal !== null) throw refusal;
}

const STATE_TEXT: Record<AccountState, string> = { exists: 'yes', missing: 'MISSING', not_checked: 'not checked' };

/** Why the import must not be written (it then runs as a dry run, so the table shows everything), or null. */
function refusalOf(opts: ImportOpts, check: AccountCheck, missing: string[]): BaseError | null {
  const what = opts.dryRun ? 'the import would be refused' : 'nothing was imported';
  if (opts.accountCheck && !check.checked) {
    return new BaseError(
      'NODE_UNAVAILABLE',
      `The accounts could not be checked on chain (${check.reason}); ${what} (pass --no-account-check to import without the check).`,
    );
  }
  if (missing.length > 0 && !opts.allowUnknownAccounts) {
    return new BaseError(
      'IMPORT_INVALID',
      `${missing.length} account(s) of the legacy file do not exist on chain (${missing.join(', ')}); ${what} (correct the names, or pass --allow-unknown-accounts).`,
    );
  }
  return null;
}

function accountsLine(check: AccountCheck, missing: string[]): string {
  if (!check.checked) return `accounts on chain: ${check.accounts.length} not checked: ${check.reason}.`;
  const exist = check.accounts.length - missing.length;
  return `accounts on chain: ${exist} exist, ${missing.length} missing${missing.length > 0 ? ` (${missing.join(', ')})` : ''}.`;
}

/** get_accounts on the configured nodes, on the configured chain: one connection for every batch, closed after. */
async function checkOnChain(config: Config, names: string[]): Promise<AccountCheck> {
  const node = createNodeClient({
    urls: config.nodes,
    callTimeoutMs: config.listener.callTimeoutMs,
    logger: silentLogger,
    ...(config.chainId ? { expectedChainId: config.chainId } : {}),
    rpc: { reconnectAttempts: 0 },
  });
  try {
    return await checkLegacyAccounts(names, (batch) => node.getAccounts(batch));
  } finally {
    await node.close().catch(() => {});
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
