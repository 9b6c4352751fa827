import type { LiabilityMonth } from './buildReport.js';
import { groupedBts } from './formatAmount.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const SATS = 100_000n;

/** A round step (1, 2 or 5 × 10^k whole BTS) giving about `ticks` gridlines up to `max` sats. */
function niceStep(maxSats: bigint, ticks: number): bigint {
  const raw = maxSats / SATS / BigInt(ticks) + 1n;
  let p = 1n;
  while (p * 10n <= raw) p *= 10n;
  for (const m of [1n, 2n, 5n, 10n]) if (m * p >= raw) return m * p * SATS;
  return 10n * p * SATS;
}

/**
 * Liabilities per month as standalone SVG: stacked bars (interest, principal, other), a y axis in BTS with
 * gridlines at round values, month labels on the x axis, and, when known, a line for the funds available.
 * Heights come from bigint ratios scaled to whole pixels: no float touches an amount. Only series with a value get
 * a legend entry.
 */
export function liabilitiesChart(
  months: readonly LiabilityMonth[],
  options: { title?: string; fundsSats?: bigint; fundsLabel?: string } = {},
): string {
  const title = options.title ?? 'Liabilities by due month (BTS)';
  const left = 90;
  const plotTop = 40;
  const plotH = 220;
  const base = plotTop + plotH;
  const barW = 36;
  const slot = 52;
  const width = left + months.length * slot + 20;
  const height = 330;
  const peak = months.reduce((m, x) => (BigInt(x.totalSats) > m ? BigInt(x.totalSats) : m), options.fundsSats ?? 0n);
  const step = niceStep(peak > 0n ? peak : SATS, 5);
  const top = peak === 0n ? step : ((peak + step - 1n) / step) * step;
  const y = (sats: bigint) => base - Number((sats * BigInt(plotH)) / top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
    `<text x="${left}" y="20" font-size="13" font-weight="bold">${esc(title)}</text>`,
  ];
  // gridlines and y axis labels
  for (let v = 0n; v <= top; v += step) {
    const yy = y(v);
    parts.push(`<line class="grid" x1="${left}" x2="${width - 20}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(`<text class="ytick" x="${left - 6}" y="${yy + 4}" text-anchor="end">${groupedBts(v)}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${plotTop}" y2="${base}" stroke="#333"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${width - 20}" y1="${base}" y2="${base}" stroke="#333"/>`);
  const series = [
    { key: 'interestSats', label: 'interest', color: '#4e79a7' },
    { key: 'principalSats', label: 'principal', color: '#f28e2b' },
    { key: 'otherSats', label: 'other (receipts, stops, refunds)', color: '#76b7b2' },
  ] as const;
  months.forEach((m, i) => {
    const x = left + 8 + i * slot;
    let acc = 0n;
    for (const s of series) {
      const v = BigInt(m[s.key]);
      if (v === 0n) continue;
      const y0 = y(acc);
      const y1 = y(acc + v);
      parts.push(
        `<rect x="${x}" y="${y1}" width="${barW}" height="${Math.max(1, y0 - y1)}" fill="${s.color}"><title>${esc(m.month)} ${s.label}: ${groupedBts(v)} BTS</title></rect>`,
      );
      acc += v;
    }
    parts.push(`<text class="xtick" x="${x + barW / 2}" y="${base + 14}" text-anchor="middle">${esc(m.month)}</text>`);
  });
  if (options.fundsSats !== undefined) {
    const fy = y(options.fundsSats);
    parts.push(
      `<line class="funds" x1="${left}" x2="${width - 20}" y1="${fy}" y2="${fy}" stroke="#e15759" stroke-width="2" stroke-dasharray="6 3"/>`,
    );
  }
  // legend: only series that have a value somewhere
  const shown: Array<{ label: string; color: string; line?: boolean }> = series.filter((s) => months.some((m) => BigInt(m[s.key]) > 0n));
  if (options.fundsSats !== undefined) shown.push({ label: options.fundsLabel ?? 'funds available', color: '#e15759', line: true });
  shown.forEach((s, i) => {
    const lx = left + i * 190;
    parts.push(
      s.line
        ? `<line x1="${lx}" x2="${lx + 12}" y1="${height - 20}" y2="${height - 20}" stroke="${s.color}" stroke-width="2" stroke-dasharray="6 3"/>`
        : `<rect x="${lx}" y="${height - 26}" width="12" height="12" fill="${s.color}"/>`,
    );
    parts.push(`<text class="legend" x="${lx + 16}" y="${height - 16}">${esc(s.label)}</text>`);
  });
  parts.push(`<text x="14" y="${plotTop + plotH / 2}" transform="rotate(-90 14 ${plotTop + plotH / 2})" text-anchor="middle">BTS</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
