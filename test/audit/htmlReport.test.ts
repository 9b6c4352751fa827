import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { btsText } from '../../src/audit/formatAmount.js';
import { type AuditCommandDeps, auditCommand } from '../../src/cli/commands/audit.js';
import { appendReceipt } from '../../src/db/receipts.js';
import { generateSimAccounts, startBittrexSimulator } from '../../src/sim/bittrex/index.js';
import { simPayload } from '../helpers/railLedgers.js';
import { useTempDir } from '../helpers/tempDir.js';
import { buildYear, DAY, T0 } from './buildLedger.js';

const tempDir = useTempDir();
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
/** Flags for a machine with a closed network (see the tool library's notes on headless Chromium). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-logging=stderr',
  '--v=0',
];

async function cli(cfg: string, ...args: string[]): Promise<string> {
  return cliWith({}, cfg, ...args);
}

async function cliWith(deps: AuditCommandDeps, cfg: string, ...args: string[]): Promise<string> {
  let out = '';
  const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
  program.addCommand(
    auditCommand({
      ...deps,
      write: (t) => {
        out += t;
      },
    }),
  );
  await program.parseAsync(['node', 'stakebts', '--config', cfg, 'audit', ...args]);
  return out;
}

describe('audit report --html: one self-contained file, the figures of report --json, opened in headless Chromium', () => {
  it('holds the state, the chart with axes and gridlines, the tables and the last receipt hash; Chromium renders it without console errors', async () => {
    const dir = tempDir();
    const year = buildYear(dir);
    // The daemon's periodic balances receipt: the funds line of the chart.
    appendReceipt(year.db, 0, { event: 'balances', brokerBalanceSats: 123_456n * 100_000n });
    year.db.close();
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ db: join(dir, 'audit.sqlite'), broker: 'broker', managers: ['boss'] }));
    const html = join(dir, 'report.html');
    const json = JSON.parse(await cli(cfg, 'report', '--json', '--html', html)) as {
      now: number;
      liabilities: { totalSats: string }[];
      openContracts: { months: number; amountBts: number; contracts: number; totalSats: string }[];
      loans: { manager: string; sats: string }[];
      refunds: { state: string; sats: string }[];
    };
    const page = readFileSync(html, 'utf8');
    // Self-contained: no script, nothing to fetch (the SVG namespace is a name, not a request).
    expect(page).not.toMatch(/<script|<link|\ssrc=|\shref=|url\(/i);
    expect(page).toContain('<style>');
    const svg = page.slice(page.indexOf('<svg'), page.indexOf('</svg>'));
    expect(svg.match(/class="grid"/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(svg.match(/class="axis"/g)?.length).toBe(2);
    expect(svg).toMatch(/class="ytick"[^>]*>0</);
    expect(svg).not.toContain('other (receipts'); // no empty legend: nothing is in "other"
    expect(svg).toContain('class="funds"');
    expect(svg).toMatch(/class="ytick"[^>]*>150,000</); // the axis reaches past the funds (123 456) and the tallest bar

    const total = json.liabilities.reduce((s, m) => s + BigInt(m.totalSats), 0n);
    const figures = [
      new Date(json.now).toISOString(),
      btsText(total),
      ...json.openContracts.map((c) => btsText(c.totalSats)),
      ...json.loans.map((l) => btsText(l.sats)),
      ...json.refunds.map((r) => btsText(r.sats)),
      '123,456 BTS',
    ];
    for (const f of figures) expect(page).toContain(f);
    const hash = /id="last-receipt-hash">([0-9a-f]{64})</.exec(page)?.[1];
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(page).toContain('verify: OK');

    if (!CHROMIUM) {
      console.warn('Chromium not installed (apt-get install chromium): the in-browser half of the HTML report test is skipped');
      return;
    }
    const url = pathToFileURL(html).href;
    const profile = join(dir, 'chromium-profile');
    const dom = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', url], { encoding: 'utf8', timeout: 60_000 });
    expect(dom.status).toBe(0);
    expect(dom.stderr).not.toMatch(/CONSOLE|Uncaught|Refused to/);
    const text = dom.stdout.replace(/<[^>]+>/g, ' ');
    for (const f of figures) expect(text).toContain(f);
    expect(dom.stdout).toContain(`id="last-receipt-hash">${hash}<`);
    expect(dom.stdout).toMatch(/<svg[^>]*>/);
    // The screenshot is kept as an artifact of the test run.
    const artifacts = resolve('test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'audit-report.png');
    const s = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}-2`, `--screenshot=${shot}`, '--window-size=1200,2400', url], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(s.status).toBe(0);
    expect(s.stderr).not.toMatch(/CONSOLE|Uncaught|Refused to/);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  }, 120_000);

  it('the funds line adds the exchange accounts’ balances (through the rail registry); an unreachable exchange is named, not fatal', async () => {
    const dir = tempDir();
    const year = buildYear(dir);
    appendReceipt(year.db, 0, { event: 'balances', brokerBalanceSats: 123_456n * 100_000n });
    year.db.close();
    // Account 1 answers (30 000 BTS, the simulator's 5 BTS withdrawal fee off); account 2's exchange is down.
    const accounts = generateSimAccounts(2, { balanceSats: 30_000n * 100_000n });
    const bittrex = await startBittrexSimulator({ accounts: accounts.slice(0, 1), rateLimitPerMinute: 0 });
    try {
      const cfg = join(dir, 'cfg.json');
      writeFileSync(
        cfg,
        JSON.stringify({
          db: join(dir, 'audit.sqlite'),
          broker: 'broker',
          managers: ['boss'],
          rails: [
            { kind: 'broker' },
            { kind: 'bittrex', account: 1, depositMemo: accounts[0]?.depositTag, baseUrl: bittrex.url, timeoutMs: 2_000 },
            { kind: 'bittrex', account: 2, depositMemo: accounts[1]?.depositTag, baseUrl: 'http://127.0.0.1:9/v3', timeoutMs: 1_000 },
          ],
        }),
      );
      const html = join(dir, 'report.html');
      const unlockKeystore = async () => simPayload({ name: 'broker', activeWif: 'x', memoWif: 'x' }, accounts);
      const out = await cliWith({ unlockKeystore }, cfg, 'report', '--html', html);
      expect(out).toContain(`HTML report written to ${html}`);
      const page = readFileSync(html, 'utf8');
      const funds = /<dd id="funds">(.*?)<\/dd>/.exec(page)?.[1] ?? '';
      expect(funds).toContain('<span id="funds-total">153,451 BTS</span> in all: broker 123,456 BTS (last balances receipt');
      expect(funds).toContain('<span class="exchange" id="funds-bittrex1">Bittrex account 1 29,995 BTS</span>');
      expect(funds).toMatch(/<span class="exchange bad" id="funds-bittrex2">Bittrex account 2 not reached \(.+\)<\/span>/);
      // The chart's line is the sum of what was reached, and its legend says what was not.
      const svg = page.slice(page.indexOf('<svg'), page.indexOf('</svg>'));
      expect(svg).toContain('funds available (broker + bittrex1; bittrex2 not reached)');
      // Past dates: the exchanges are not read (they only know now), and the report says so.
      const past = join(dir, 'past.html');
      await cliWith({ unlockKeystore }, cfg, 'report', '--html', past, '--at', String(T0 + 2 * DAY));
      expect(readFileSync(past, 'utf8')).toContain('Bittrex account 1 not read (balances are known only now, not at --at)');
      if (!CHROMIUM) {
        console.warn('Chromium not installed (apt-get install chromium): the in-browser half of this test is skipped');
        return;
      }
      const dom = spawnSync(
        CHROMIUM,
        [...FLAGS, `--user-data-dir=${join(dir, 'chromium-profile')}`, '--dump-dom', pathToFileURL(html).href],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(dom.status).toBe(0);
      expect(dom.stderr).not.toMatch(/CONSOLE|Uncaught|Refused to/);
      const text = dom.stdout.replace(/<[^>]+>/g, ' ');
      for (const f of ['153,451 BTS', 'Bittrex account 1 29,995 BTS', 'Bittrex account 2 not reached']) expect(text).toContain(f);
    } finally {
      await bittrex.close();
    }
  }, 120_000);
});
