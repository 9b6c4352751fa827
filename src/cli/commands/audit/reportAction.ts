import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { auditVerify } from '../../../audit/auditVerify.js';
import { buildReport } from '../../../audit/buildReport.js';
import { exchangeFunds } from '../../../audit/exchangeFunds.js';
import type { AssetInfo } from '../../../audit/formatAmount.js';
import { parseTimeArg } from '../../../audit/formatRows.js';
import { liabilitiesSvg } from '../../../audit/liabilitiesSvg.js';
import { connectAuditChain, type ReconcileNode } from '../../../audit/reconcileDeps.js';
import { renderHtmlReport } from '../../../audit/renderHtmlReport.js';
import { renderReport } from '../../../audit/renderReport.js';
import { resolveAssets } from '../../../audit/resolveAssets.js';
import type { Config } from '../../../config/index.js';
import { openDatabase } from '../../../db/openDatabase.js';
import { lastBrokerBalance, lastReceipt, paymentsByMonthAndRail } from '../../../db/reportExtras.js';
import type { AuditCommandDeps } from '../audit.js';
import { configFor } from '../shared.js';
import { intArg, skipsExchanges, usage } from './auditArgs.js';
import { replayWithConfig } from './replayAction.js';

/** `audit report` (loaded only when it runs; see ../../lazyAction.ts). */
export function reportAction(deps: AuditCommandDeps, write: (text: string) => void) {
  return async (
    opts: {
      at?: string;
      months: string;
      chart?: string;
      html?: string;
      replay?: boolean;
      skipExchanges?: boolean;
      skipBittrex?: boolean;
      keystore?: string;
      passwordFile?: string;
      json?: boolean;
    },
    cmd: Command,
  ) => {
    const config = configFor(cmd);
    const at = opts.at ? usage(() => parseTimeArg(opts.at as string)) : undefined;
    const db = openDatabase(config.db, { readonly: true });
    try {
      const report = buildReport(db, { months: intArg(opts.months, '--months'), ...(at === undefined ? {} : { now: at }) });
      // Deposits of other assets are shown in their own units: symbol and precision from the chain, when it answers.
      const assets =
        opts.json && !opts.html
          ? new Map()
          : await assetsOf(
              deps,
              config,
              report.unsupportedDeposits.map((d) => d.assetId),
            );
      write(opts.json ? `${JSON.stringify(report)}\n` : renderReport(report, assets));
      if (opts.chart) {
        writeFileSync(opts.chart, liabilitiesSvg(report.liabilities));
        if (!opts.json) write(`chart written to ${opts.chart}\n`);
      }
      if (opts.html) {
        const replay = opts.replay
          ? (
              await replayWithConfig(
                deps,
                config,
                db,
                {
                  ...(skipsExchanges(opts) ? { skipExchanges: true } : {}),
                  ...(opts.keystore ? { keystore: opts.keystore } : {}),
                  ...(opts.passwordFile ? { passwordFile: opts.passwordFile } : {}),
                },
                report.now,
              )
            ).result
          : null;
        const balance = lastBrokerBalance(db);
        const exchanges = await exchangeFunds(deps, config, {
          // An exchange tells only what it holds now: not shown as the funds of a past date.
          ...(skipsExchanges(opts)
            ? { skip: '--skip-exchanges' }
            : at !== undefined
              ? { skip: 'balances are known only now, not at --at' }
              : {}),
          keystore: opts.keystore ?? config.keystore,
          ...(opts.passwordFile ? { passwordFile: opts.passwordFile } : {}),
        });
        writeFileSync(
          opts.html,
          renderHtmlReport({
            report,
            verify: auditVerify(db, config.terms),
            replay,
            ...(replay ? {} : { replayNote: 'run with --replay to include it' }),
            payments: paymentsByMonthAndRail(db, at ?? Number.MAX_SAFE_INTEGER),
            lastReceipt: lastReceipt(db),
            funds: balance ? { ...balance, label: 'last balances receipt' } : null,
            exchanges,
            generatedAt: Date.now(),
            assets,
          }),
        );
        if (!opts.json) write(`HTML report written to ${opts.html}\n`);
      }
    } finally {
      db.close();
    }
  };
}

/** Symbol and precision of each asset id from the node; none (shown as "precision unknown") when it cannot be reached. */
async function assetsOf(deps: AuditCommandDeps, config: Config, ids: string[]): Promise<Map<string, AssetInfo | null>> {
  if (ids.length === 0) return new Map();
  let node: ReconcileNode | null = null;
  try {
    node = connectAuditChain(deps, config);
  } catch {
    node = null;
  }
  try {
    return await resolveAssets(node, ids, config.listener.callTimeoutMs);
  } finally {
    await node?.close().catch(() => undefined);
  }
}
