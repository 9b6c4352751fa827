import { Command } from 'commander';
import { lazyAction } from '../../lazyAction.js';
import type { AuditCommandDeps } from '../audit.js';
import { skipBittrexOption } from './skipExchangesOption.js';

/** `stakebts audit report`. */
export function reportCommand(deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('report')
    .description('liabilities by month (next 12), interest paid per month, open contracts, loans, unsupported deposits, refunds')
    .option('--at <time>', 'report as of this time (default: last irreversible block time seen)')
    .option('--months <n>', 'months of liabilities to show', '12')
    .option('--chart <file.svg>', 'also write an SVG chart of liabilities over time')
    .option('--html <file>', 'also write the report as one self-contained HTML file (inline CSS and SVG), with verify results')
    .option(
      '--replay',
      'with --html: run `audit replay` (reads the chain and, unless --skip-exchanges, the exchange accounts) and include its result',
    )
    .option('--skip-exchanges', 'with --html: do not read the exchange accounts (their balances, and with --replay their withdrawals)')
    .addOption(skipBittrexOption())
    .option('--keystore <file>', 'with --html: keystore holding the exchange API keys (default: config "keystore")')
    .option('--password-file <file>', 'with --html: the keystore password file (else a masked prompt)')
    .option('--json', 'one JSON document')
    .action(lazyAction(() => import('./reportAction.js').then((m) => m.reportAction(deps, write))));
}
