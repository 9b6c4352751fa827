import type { Command } from 'commander';
import { groupedBts } from '../../../audit/formatAmount.js';
import { reconcileDeps } from '../../../audit/reconcileDeps.js';
import { runReconcile } from '../../../audit/runReconcile.js';
import { openDatabase } from '../../../db/openDatabase.js';
import type { AuditCommandDeps } from '../audit.js';
import { configFor } from '../shared.js';
import { intArg, iso, skipsExchanges, timeFilter } from './auditArgs.js';

/** `audit reconcile` (loaded only when it runs; see ../../lazyAction.ts). */
export function reconcileAction(deps: AuditCommandDeps, write: (text: string) => void) {
  return async (
    opts: {
      skipChain?: boolean;
      skipExchanges?: boolean;
      skipBittrex?: boolean;
      fromBlock?: string;
      toBlock?: string;
      keystore?: string;
      passwordFile?: string;
      json?: boolean;
      since?: string;
      until?: string;
    },
    cmd: Command,
  ) => {
    const config = configFor(cmd);
    const window = timeFilter({ ...(opts.since ? { since: opts.since } : {}), ...(opts.until ? { until: opts.until } : {}) });
    const db = openDatabase(config.db, { readonly: true });
    const sides = await reconcileDeps(deps, config, {
      chain: opts.skipChain !== true,
      exchanges: !skipsExchanges(opts),
      ...(opts.fromBlock ? { fromBlock: intArg(opts.fromBlock, '--from-block') } : {}),
      ...(opts.toBlock ? { toBlock: intArg(opts.toBlock, '--to-block') } : {}),
      keystore: opts.keystore ?? config.keystore,
      ...(opts.passwordFile ? { passwordFile: opts.passwordFile } : {}),
    });
    try {
      const result = await runReconcile({ db, ...(sides.chain ? { chain: sides.chain } : {}), exchanges: sides.exchanges, window });
      if (opts.json)
        write(
          `${JSON.stringify({ ...result, notChecked: sides.notChecked, notes: sides.notes }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`,
        );
      else {
        const checked = [
          result.chainTransfers === null ? null : `${result.chainTransfers} broker transfer(s) on chain`,
          ...Object.entries(result.withdrawals).map(([rail, n]) => `${n} ${rail} withdrawal(s)`),
        ].filter((x) => x !== null);
        write(`checked ${checked.length ? checked.join(', ') : 'nothing'}; ${result.matched} matched a payout\n`);
        for (const n of sides.notes) write(`note: ${n}\n`);
        for (const n of sides.notChecked) write(`not checked: ${n}\n`);
        if (window.since !== undefined || window.until !== undefined)
          write(
            `window: ${window.since === undefined ? 'start' : iso(window.since)} .. ${window.until === undefined ? 'now' : iso(window.until)}\n`,
          );
        if (result.inFlight.length > 0) {
          write(`${result.inFlight.length} payment(s) still in flight (not settled yet, check again later):\n`);
          for (const f of result.inFlight) write(`  [${f.status}] ${f.ref}: ${groupedBts(f.amountSats)} BTS to ${f.recipient}\n`);
        }
        if (result.issues.length === 0) write(result.inFlight.length > 0 ? 'no differences among settled payments\n' : 'no differences\n');
        else {
          write(`${result.issues.length} difference(s):\n`);
          for (const i of result.issues) write(`  [${i.kind}] ${i.ref}: ${i.message}\n`);
        }
      }
      if (result.issues.length > 0) process.exitCode = 1;
    } finally {
      db.close();
      await sides.close();
    }
  };
}
