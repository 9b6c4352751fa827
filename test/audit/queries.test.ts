import { describe, expect, it } from 'vitest';
import { buildReport, monthOf } from '../../src/audit/buildReport.js';
import { contractStory } from '../../src/audit/contractStory.js';
import { liabilitiesSvg } from '../../src/audit/liabilitiesSvg.js';
import { listContracts } from '../../src/audit/listContracts.js';
import { listPayouts } from '../../src/audit/listPayouts.js';
import { renderReport } from '../../src/audit/renderReport.js';
import { useTempDir } from '../helpers/tempDir.js';
import { buildYear, DAY, MONTH, T0 } from './buildLedger.js';

const tempDir = useTempDir();
const SATS = 100_000n;

describe('audit queries over a listener-built year', () => {
  it('lists contracts with their state, interest paid and money paid, filtered', () => {
    const l = buildYear(tempDir());
    const all = listContracts(l.db);
    expect(all.map((c) => [c.user, c.state, c.interestPaid, c.interestAborted])).toEqual([
      ['alice', 'open', 4, 0],
      ['bob', 'matured', 3, 0],
      ['carol', 'stopped', 2, 10],
    ]);
    // bob: 1 BTS receipt + 3 × 4 000 interest + 50 000 principal
    expect(BigInt(all[1]?.paidSats ?? 0)).toBe((1n + 3n * 4_000n + 50_000n) * SATS);
    expect(all[0]?.maturity).toBe(T0 + 6 * MONTH);
    expect(listContracts(l.db, { state: 'stopped' }).map((c) => c.user)).toEqual(['carol']);
    expect(listContracts(l.db, { user: 'bob' }).map((c) => c.months)).toEqual([3]);
    expect(listContracts(l.db, { months: 12, origin: 'chain' }).map((c) => c.user)).toEqual(['carol']);
    expect(listContracts(l.db, { since: T0 + 1 })).toEqual([]);
  });

  it('lists payouts by user, purpose, state, rail and contract (a stop found through the contract it ended)', () => {
    const l = buildYear(tempDir());
    const [carol] = l.contractOf('carol');
    expect(listPayouts(l.db, { rail: 'bittrex1' }).map((p) => p.external_id)).toEqual(['wd-carol-receipt', 'wd-bob-1', 'wd-bob-2']);
    expect(listPayouts(l.db, { purpose: 'refund' }).map((p) => [p.recipient, BigInt(p.amount_sats)])).toEqual([['dave', 150n * SATS]]);
    expect(listPayouts(l.db, { user: 'carol', contract: carol ?? -1 }).map((p) => p.purpose)).toEqual([
      'contract_receipt',
      'interest',
      'interest',
      'stop',
    ]);
    expect(listPayouts(l.db, { state: 'pending' })).toEqual([]);
    expect(listPayouts(l.db, { since: T0 + 3 * MONTH, until: T0 + 4 * MONTH + DAY }).map((p) => p.purpose)).toEqual([
      'interest',
      'principal',
      'interest',
      'interest',
    ]);
  });

  it("tells a contract's story in time order with every tx and withdrawal id", () => {
    const l = buildYear(tempDir());
    const [carol] = l.contractOf('carol');
    const story = contractStory(l.db, carol ?? -1);
    expect(story?.rows).toHaveLength(15);
    expect(story?.receipts.map((r) => (JSON.parse(r.msg) as { event: string }).event)).toEqual(['contract_opened', 'contract_stopped']);
    const ids = story?.timeline.map((e) => e.externalId).filter((x) => x !== null);
    expect(ids).toEqual(expect.arrayContaining(['wd-carol-receipt', 'tx-stop-carol']));
    const times = story?.timeline.map((e) => e.time) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(contractStory(l.db, 999)).toBeNull();
  });

  it('reports liabilities by month, interest paid, open contracts, loans, unsupported deposits and refunds', () => {
    const l = buildYear(tempDir());
    const r = buildReport(l.db);
    expect([r.now, r.nowSource]).toEqual([T0 + 4 * MONTH + DAY, 'cursor']); // the cursor's block time
    expect(r.liabilities.map((m) => m.month)).toEqual([
      'now',
      ...Array.from({ length: 12 }, (_, i) => monthOf(Date.UTC(2020, 4 + i, 1))),
      'later',
    ]);
    // Alice still owes interest 5 and 6 (8 000 each) and her principal: nothing else is pending.
    const want = new Map<string, bigint>();
    for (const [due, bts] of [
      [T0 + 5 * MONTH, 8_000n],
      [T0 + 6 * MONTH, 8_000n + 100_000n],
    ] as const)
      want.set(monthOf(due), (want.get(monthOf(due)) ?? 0n) + bts * SATS);
    for (const m of r.liabilities) expect([m.month, BigInt(m.totalSats)]).toEqual([m.month, want.get(m.month) ?? 0n]);
    const paidRows = r.interestPaid.reduce((n, m) => n + m.rows, 0);
    const paidSats = r.interestPaid.reduce((n, m) => n + BigInt(m.sats), 0n);
    expect([paidRows, paidSats]).toEqual([9, (4n * 8_000n + 3n * 4_000n + 2n * 2_000n) * SATS]);
    expect(r.openContracts).toEqual([{ months: 6, amountBts: 100_000, contracts: 1, totalSats: String(100_000n * SATS) }]);
    expect(r.loans).toEqual([{ manager: 'boss', loans: 1, sats: String(5_000n * SATS) }]);
    expect(r.unsupportedDeposits).toMatchObject([{ from: 'alice', amountSats: '777', assetId: '1.3.121' }]);
    expect(r.refunds).toEqual([{ state: 'paid', refunds: 1, sats: String(150n * SATS) }]);
    const text = renderReport(r);
    expect(text).toContain('Liabilities by due month (BTS)');
    expect(text).toMatch(/boss\s*│\s*1\s*│\s*5,000\s/);
    // Pending stop payouts and refunds are owed now.
    const later = buildReport(l.db, { now: T0 });
    expect(later.liabilities[0]?.month).toBe('now');
  });

  it('draws the liabilities as a standalone SVG with one bar segment per non-zero part', () => {
    const l = buildYear(tempDir());
    const r = buildReport(l.db);
    const svg = liabilitiesSvg(r.liabilities);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    const segments = r.liabilities.flatMap((m) => [m.interestSats, m.principalSats, m.otherSats]).filter((s) => s !== '0').length;
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(segments);
    for (const m of r.liabilities) expect(svg).toContain(`>${m.month}</text>`);
    // The y axis runs to the round gridline above the tallest bar (150 000 BTS here); heights are proportional
    // (integer pixels of the 220-pixel plot): the 100 000 BTS principal is about 220 × 100 000 / 150 000 = 146.7 pixels.
    const heights = [...svg.matchAll(/height="(\d+)" fill="#f28e2b"/g)].map((x) => Number(x[1]));
    expect(svg).toMatch(/class="ytick"[^>]*>150,000</);
    expect(Math.max(...heights)).toBeGreaterThanOrEqual(146);
    expect(Math.max(...heights)).toBeLessThanOrEqual(147); // two floored ends
  });
});
