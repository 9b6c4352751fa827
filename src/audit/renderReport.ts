import Table from 'cli-table3';
import type { AuditReport } from './buildReport.js';
import { type AssetInfo, assetText, groupedBts } from './formatAmount.js';
import { COMPACT } from './formatRows.js';

const SOURCE = { cursor: 'last block time scanned', given: 'time given', clock: 'local clock: no block scanned yet' } as const;

const bts = (sats: string) => groupedBts(sats);

function table(title: string, head: string[], rows: Array<Array<string | number>>): string {
  const t = new Table({ head, style: { head: [], border: [] }, chars: COMPACT });
  for (const r of rows) t.push(r.map(String));
  return `${title}\n${rows.length ? t.toString() : '(none)'}\n`;
}

/**
 * The report as aligned tables for a terminal, amounts in BTS with grouped thousands; deposits of other assets in
 * their own units (`assets`: symbol and precision from the chain, else "(precision unknown)").
 */
export function renderReport(r: AuditReport, assets: ReadonlyMap<string, AssetInfo | null> = new Map()): string {
  return [
    `stakebts report at ${new Date(r.now).toISOString()} (${SOURCE[r.nowSource]})\n`,
    table(
      'Liabilities by due month (BTS)',
      ['month', 'interest', 'principal', 'other', 'total', 'rows'],
      r.liabilities.map((l) => [l.month, bts(l.interestSats), bts(l.principalSats), bts(l.otherSats), bts(l.totalSats), l.rows]),
    ),
    table(
      'Interest paid per month (BTS)',
      ['month', 'rows', 'paid'],
      r.interestPaid.map((m) => [m.month, m.rows, bts(m.sats)]),
    ),
    table(
      'Open contracts by term and size',
      ['months', 'amount (BTS)', 'contracts', 'total (BTS)'],
      r.openContracts.map((c) => [c.months, groupedBts(BigInt(c.amountBts) * 100_000n), c.contracts, bts(c.totalSats)]),
    ),
    table(
      'Loans per manager',
      ['manager', 'loans', 'total (BTS)'],
      r.loans.map((l) => [l.manager, l.loans, bts(l.sats)]),
    ),
    table(
      'Unsupported-asset deposits (kept, for the manager)',
      ['block', 'trx', 'op', 'from', 'amount', 'time (UTC)'],
      r.unsupportedDeposits.map((d) => [
        d.block,
        d.trx,
        d.op,
        d.from,
        assetText(d.amountSats, d.assetId, assets.get(d.assetId)),
        new Date(d.time).toISOString(),
      ]),
    ),
    table(
      'Refunds of invalid transfers',
      ['state', 'refunds', 'total (BTS)'],
      r.refunds.map((x) => [x.state, x.refunds, bts(x.sats)]),
    ),
  ].join('\n');
}
