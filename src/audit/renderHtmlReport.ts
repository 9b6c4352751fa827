import type { AuditVerifyResult } from './auditVerify.js';
import type { AuditReport } from './buildReport.js';
import type { ExchangeFunds } from './exchangeFunds.js';
import { type AssetInfo, assetText, btsText } from './formatAmount.js';
import { liabilitiesChart } from './liabilitiesChart.js';
import type { ReplayResult } from './replay/runReplay.js';

export type HtmlReportInput = {
  report: AuditReport;
  verify: AuditVerifyResult;
  /** null: not run (no chain reachable or not asked). */
  replay: ReplayResult | null;
  replayNote?: string;
  payments: Array<{ month: string; rail: string; payments: number; sats: string }>;
  lastReceipt: { id: number; hash: string; now: number } | null;
  /** Funds available (broker, from the last balances receipt), satoshis. */
  funds: { sats: string; at: number; label: string } | null;
  /** What each exchange account can pay out now (through the rail registry), or why it was not reached. */
  exchanges?: readonly ExchangeFunds[];
  generatedAt: number;
  /** Symbol and precision of the unsupported deposits' assets (from the chain); absent or null: "(precision unknown)". */
  assets?: ReadonlyMap<string, AssetInfo | null>;
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (ms: number) => new Date(ms).toISOString();

function table(id: string, head: string[], rows: Array<Array<string | number>>): string {
  if (rows.length === 0) return `<p class="none" id="${id}">(none)</p>`;
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td${typeof c === 'number' || /^[\d,.-]+( BTS)?$/.test(String(c)) ? ' class="num"' : ''}>${esc(String(c))}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 8px}th{background:#f3f3f3;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}
.hash{font-family:monospace;word-break:break-all}.none{color:#777}dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}dt{font-weight:bold}`;

/**
 * The funds line: the broker's last balances receipt plus what each exchange account can pay out now; an account not
 * reached is named and left out of the sum (the label says so), never counted as zero silently.
 */
function fundsLine(
  broker: HtmlReportInput['funds'],
  exchanges: readonly ExchangeFunds[],
): { html: string; sats: bigint | null; label: string } {
  const reached = exchanges.filter((e) => e.sats !== null);
  const missed = exchanges.filter((e) => e.sats === null);
  const parts = [
    broker ? `broker ${btsText(broker.sats)} (${esc(broker.label)}, ${iso(broker.at)})` : 'broker not known (no balances receipt)',
    ...exchanges.map((e) =>
      e.sats !== null
        ? `<span class="exchange" id="funds-${esc(e.rail)}">${esc(e.label)} ${btsText(e.sats)}</span>`
        : `<span class="exchange bad" id="funds-${esc(e.rail)}">${esc(e.label)} ${esc(e.why ?? 'not reached')}</span>`,
    ),
  ];
  if (!broker && reached.length === 0) return { html: parts.join('; '), sats: null, label: '' };
  const sats = BigInt(broker?.sats ?? 0) + reached.reduce((s, e) => s + (e.sats ?? 0n), 0n);
  const what = [broker ? 'broker' : null, ...reached.map((e) => e.rail)].filter((x) => x !== null).join(' + ');
  const label = `funds available (${what}${missed.length ? `; ${missed.map((e) => e.rail).join(', ')} not reached` : ''})`;
  const total = exchanges.length > 0 ? `<span id="funds-total">${btsText(sats)}</span> in all: ` : '';
  return { html: `${total}${parts.join('; ')}`, sats, label };
}

/**
 * The archived audit report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched), with the
 * figures of `report --json` and the verify and replay results, tied to the receipt chain by the last receipt's hash.
 */
export function renderHtmlReport(i: HtmlReportInput): string {
  const r = i.report;
  const totalLiabilities = r.liabilities.reduce((s, m) => s + BigInt(m.totalSats), 0n);
  const verifyText = i.verify.ok
    ? `<span class="ok" id="verify-status">verify: OK</span>: receipt chain intact (${i.verify.chain.count} receipts), invariants hold`
    : `<span class="bad" id="verify-status">verify: FAILED</span>: ${esc(i.verify.chain.ok ? '' : `chain broken at receipt ${i.verify.chain.brokenAt}; `)}${i.verify.failures.length} invariant failure(s)`;
  const replayText =
    i.replay === null
      ? `<span id="replay-status">replay: not run</span>${i.replayNote ? ` (${esc(i.replayNote)})` : ''}`
      : i.replay.ok
        ? `<span class="ok" id="replay-status">replay: 0 differences</span>: ${i.replay.owed} payments owed by RULES.md, ${i.replay.matched} received`
        : `<span class="bad" id="replay-status">replay: ${i.replay.differences.length} client(s) with differences</span>`;
  const funds = fundsLine(i.funds, i.exchanges ?? []);
  const body = [
    `<h1>stakebts audit report</h1>`,
    `<dl><dt>State as of</dt><dd id="report-at">${iso(r.now)} (${esc(r.nowSource)})</dd>`,
    `<dt>Generated</dt><dd>${iso(i.generatedAt)}</dd>`,
    `<dt>Total liabilities</dt><dd id="total-liabilities">${btsText(totalLiabilities)}</dd>`,
    `<dt>Funds available</dt><dd id="funds">${funds.html}</dd>`,
    `<dt>Last receipt</dt><dd>#<span id="last-receipt-id">${i.lastReceipt?.id ?? '-'}</span> <span class="hash" id="last-receipt-hash">${esc(i.lastReceipt?.hash ?? 'none')}</span></dd></dl>`,
    `<h2>Checks</h2><p>${verifyText}</p><p>${replayText}</p>`,
    `<h2>Liabilities by month</h2>`,
    liabilitiesChart(r.liabilities, funds.sats === null ? {} : { fundsSats: funds.sats, fundsLabel: funds.label }),
    table(
      'liabilities',
      ['month', 'interest', 'principal', 'other', 'total', 'rows'],
      r.liabilities.map((l) => [
        l.month,
        btsText(l.interestSats),
        btsText(l.principalSats),
        btsText(l.otherSats),
        btsText(l.totalSats),
        l.rows,
      ]),
    ),
    `<h2>Open contracts by term and size</h2>`,
    table(
      'open-contracts',
      ['months', 'amount', 'contracts', 'total'],
      r.openContracts.map((c) => [c.months, btsText(BigInt(c.amountBts) * 100_000n), c.contracts, btsText(c.totalSats)]),
    ),
    `<h2>Payments per month by rail</h2>`,
    table(
      'payments',
      ['month', 'rail', 'payments', 'total'],
      i.payments.map((p) => [p.month, p.rail, p.payments, btsText(p.sats)]),
    ),
    `<h2>Interest paid per month</h2>`,
    table(
      'interest-paid',
      ['month', 'rows', 'paid'],
      r.interestPaid.map((m) => [m.month, m.rows, btsText(m.sats)]),
    ),
    `<h2>Refunds of invalid transfers</h2>`,
    table(
      'refunds',
      ['state', 'refunds', 'total'],
      r.refunds.map((x) => [x.state, x.refunds, btsText(x.sats)]),
    ),
    `<h2>Unsupported-asset deposits (kept, for the manager)</h2>`,
    table(
      'unsupported',
      ['op', 'from', 'amount', 'time (UTC)'],
      r.unsupportedDeposits.map((d) => [
        `${d.block}:${d.trx}:${d.op}`,
        d.from,
        assetText(d.amountSats, d.assetId, i.assets?.get(d.assetId)),
        iso(d.time),
      ]),
    ),
    `<h2>Loans per manager</h2>`,
    table(
      'loans',
      ['manager', 'loans', 'total'],
      r.loans.map((l) => [l.manager, l.loans, btsText(l.sats)]),
    ),
  ];
  if (i.replay && !i.replay.ok) {
    body.push(`<h2>Replay differences</h2>`);
    body.push(
      table(
        'replay-differences',
        ['client', 'missing', 'wrong', 'extra'],
        i.replay.differences.map((d) => [
          d.client,
          d.missing.map((e) => `${e.kind} ${btsText(e.amountSats)}`).join('; '),
          d.wrong.map((w) => `${w.owed.kind}: owed ${btsText(w.owed.amountSats)}, got ${btsText(w.received.amountSats)}`).join('; '),
          d.extra.map((x) => btsText(x.amountSats)).join('; '),
        ]),
      ),
    );
  }
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>stakebts audit report ${iso(r.now)}</title><style>${CSS}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
