import { formatBts } from '../domain/money.js';
import type { LiabilityMonth } from './buildReport.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A small stacked bar chart of liabilities per month (interest, principal, other) as standalone SVG.
 * Bar heights are computed from bigint ratios scaled to whole pixels, so no float touches an amount.
 */
export function liabilitiesSvg(months: LiabilityMonth[], title = 'stakebts liabilities by due month (BTS)'): string {
  const width = 60 + months.length * 56;
  const height = 320;
  const plotTop = 40;
  const plotH = 220;
  const base = plotTop + plotH;
  const max = months.reduce((m, x) => (BigInt(x.totalSats) > m ? BigInt(x.totalSats) : m), 0n);
  const px = (sats: bigint) => (max === 0n ? 0 : Number((sats * BigInt(plotH)) / max));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14">${esc(title)}</text>`,
    `<line x1="40" y1="${base}" x2="${width - 10}" y2="${base}" stroke="#333"/>`,
    `<text x="40" y="${plotTop - 4}">max ${esc(formatBts(max, 0))}</text>`,
  ];
  const colors = { interest: '#4e79a7', principal: '#f28e2b', other: '#59a14f' } as const;
  months.forEach((m, i) => {
    const x = 50 + i * 56;
    let y = base;
    for (const [kind, sats] of [
      ['principal', BigInt(m.principalSats)],
      ['interest', BigInt(m.interestSats)],
      ['other', BigInt(m.otherSats)],
    ] as const) {
      const h = px(sats);
      if (h > 0) {
        y -= h;
        parts.push(
          `<rect x="${x}" y="${y}" width="40" height="${h}" fill="${colors[kind]}"><title>${esc(`${m.month} ${kind}: ${formatBts(sats)} BTS`)}</title></rect>`,
        );
      }
    }
    parts.push(`<text x="${x + 20}" y="${base + 14}" text-anchor="middle">${esc(m.month)}</text>`);
    parts.push(`<text x="${x + 20}" y="${base + 28}" text-anchor="middle" fill="#555">${esc(formatBts(BigInt(m.totalSats), 0))}</text>`);
  });
  parts.push(
    ...Object.entries(colors).map(
      ([k, c], i) =>
        `<rect x="${50 + i * 90}" y="${height - 18}" width="10" height="10" fill="${c}"/><text x="${64 + i * 90}" y="${height - 9}">${k}</text>`,
    ),
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
