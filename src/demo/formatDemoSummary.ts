import { formatBts } from '../domain/money.js';
import type { DemoSummary } from './demoSummary.js';

const bts = (sats: string) => `${formatBts(BigInt(sats), 0)} BTS`;

/** The demo summary for a person. */
export function formatDemoSummary(s: DemoSummary, meta: { months: number; dir: string; seconds: number }): string {
  const c = s.contracts;
  const lines = [
    '',
    `=== stakebts demo: ${meta.months} simulated month(s) in ${meta.seconds.toFixed(1)} s ===`,
    `contracts   ${c.total} (${Object.entries(c.byMonths)
      .map(([m, n]) => `${n} × ${m} months`)
      .join(', ')}): ${c.matured} matured, ${c.stopped} stopped, ${c.open} still open`,
    'payments    (paid, by rail)',
    ...s.payments.map((p) => `  ${p.rail.padEnd(9)} ${p.purpose.padEnd(18)} ${String(p.count).padStart(4)}  ${bts(p.sats)}`),
    ...(Object.keys(s.unpaid).length
      ? [
          `  not paid: ${Object.entries(s.unpaid)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ')}`,
        ]
      : []),
    `refunds     ${s.refunds.count} paid, ${bts(s.refunds.sats)}`,
    `incoming    ${Object.entries(s.incoming)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
    `admin       ${s.adminActions.map((a) => `${a.manager} ${a.action} → ${a.outcome}`).join('; ') || 'none'}`,
    `loans       ${s.loans.map((l) => `${l.manager} ${bts(l.sats)}`).join('; ') || 'none'}`,
    `receipts    ${s.receipts.count}, hash chain ${s.receipts.verified ? 'verified' : `BROKEN at ${s.receipts.brokenAt}`}`,
    `ledgers     chain: ${s.ledgerCheck.chain.matched}/${s.ledgerCheck.chain.transfers} broker transfers match paid payments; ${s.ledgerCheck.bittrex
      .map((b) => `bittrex ${b.account}: ${b.matched}/${b.completed}`)
      .join(', ')} → ${s.ledgerCheck.ok ? 'all match' : 'MISMATCH'}`,
    `files       ${meta.dir} (database, daemon.log, ledgers.json)`,
    '',
  ];
  return lines.join('\n');
}
