import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildYear } from '../audit/buildLedger.js';
import { useTempDir } from '../helpers/tempDir.js';

const MAIN = resolve('src/cli/main.ts');
/** tsx by absolute URL: the child runs in a temp directory with no node_modules. */
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const tempDir = useTempDir();

/** Runs the CLI from source (tsx) as a user would, asynchronously so a test can hold the database meanwhile. */
function run(args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { ...process.env, STAKEBTS_CONFIG: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** Minimal RFC 4180 reader: enough to prove the writer's quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

const tableLines = (out: string) => out.split('\n').filter((l) => l.startsWith('│'));

describe('stakebts audit (CLI from source, read-only while a writer holds the database)', () => {
  it('prints contracts, payouts and receipts as aligned tables, JSON lines and quoted CSV', async () => {
    const dir = tempDir();
    const ledger = buildYear(dir);
    const db = join(dir, 'audit.sqlite');
    // The daemon is writing: an open write transaction on the WAL database must not block the auditors.
    ledger.db.exec('BEGIN IMMEDIATE');
    ledger.db.prepare(`INSERT INTO loans (source_key, manager, amount_sats, created_at) VALUES ('uncommitted', 'boss', 1, 0)`).run();
    try {
      const [contracts, contractsJson, payoutsCsv, receiptsCsv, payoutsTable, story] = await Promise.all([
        run(['--db', db, 'audit', 'contracts'], dir),
        run(['--db', db, 'audit', 'contracts', '--json', '--status', 'open'], dir),
        run(['--db', db, 'audit', 'payouts', '--csv', '--rail', 'bittrex1'], dir),
        run(['--db', db, 'audit', 'receipts', '--csv', '--user', 'dave'], dir),
        run(['--db', db, 'audit', 'payouts', '--user', 'carol'], dir),
        run(['--db', db, 'audit', 'contract', '3'], dir),
      ]);
      for (const r of [contracts, contractsJson, payoutsCsv, receiptsCsv, payoutsTable, story]) expect([r.code, r.err]).toEqual([0, '']);

      const rows = tableLines(contracts.out);
      expect(rows).toHaveLength(4); // header + 3 contracts
      expect(new Set(rows.map((l) => l.length)).size).toBe(1);
      expect(rows[3]).toMatch(/│ 3\s+│ carol\s+│ 25,000\s+│ 12\s+│.*│ stopped\s+│ 2\/12\s+│ 21,251 \(payout \d+\)\s+│ 25,252\s+│/);

      const open = contractsJson.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { user: string; state: string; paidSats: string });
      expect(open).toEqual([expect.objectContaining({ user: 'alice', state: 'open', paidSats: String((1 + 4 * 8000) * 100_000) })]);

      const csv = parseCsv(payoutsCsv.out);
      expect(csv[0]).toEqual([
        'id',
        'purpose',
        'contract',
        'row',
        'recipient',
        'amount (BTS)',
        'state',
        'rail',
        'tx / withdrawal id',
        'tries',
        'created (UTC)',
        'paid (UTC)',
      ]);
      expect(csv.slice(1).map((r) => [r[4], r[5], r[8]])).toEqual([
        ['carol', '1.00000', 'wd-carol-receipt'],
        ['bob', '4000.00000', 'wd-bob-1'],
        ['bob', '4000.00000', 'wd-bob-2'],
      ]);

      // dave's memo holds a comma and quotes: the message cell must survive the round trip.
      const rcsv = parseCsv(receiptsCsv.out);
      const messages = rcsv.slice(1).map((r) => JSON.parse(r[4] ?? '') as { event: string; memo?: string });
      expect(messages.map((m) => m.event)).toEqual(['transfer_in', 'invalid']);
      expect(messages[0]?.memo).toBe('hello, "world"');
      expect(receiptsCsv.out).toContain('""hello, \\""world\\""""');

      const prows = tableLines(payoutsTable.out);
      expect(new Set(prows.map((l) => l.length)).size).toBe(1);
      expect(prows.slice(1).map((l) => l.split('│')[2]?.trim())).toEqual(['contract_receipt', 'interest', 'interest', 'stop']);

      expect(story.out).toMatch(/^contract 3: carol, 25,000 BTS for 12 months from 2020-01-15T12:00:00.000Z .*; stopped/);
      expect(story.out).toContain('wd-carol-receipt');
      expect(story.out).toContain('tx-stop-carol');
      expect(story.out).toMatch(/Timeline\n/);
    } finally {
      ledger.db.exec('ROLLBACK');
      ledger.db.close();
    }
  }, 90_000); // six CLIs from source (tsx) at once: tens of seconds on a loaded 2-core machine

  it('verify exits 0, then 1 naming the receipt altered in the file; report writes JSON and an SVG chart', async () => {
    const dir = tempDir();
    buildYear(dir).db.close();
    const db = join(dir, 'audit.sqlite');
    const ok = await run(['--db', db, 'audit', 'verify'], dir);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/receipt chain intact: \d+ receipt\(s\)\ninvariants hold/);

    const chart = join(dir, 'liabilities.svg');
    const report = await run(['--db', db, 'audit', 'report', '--json', '--chart', chart], dir);
    expect(report.code).toBe(0);
    const parsed = JSON.parse(report.out) as { liabilities: { month: string }[]; loans: unknown[] };
    expect(parsed.liabilities).toHaveLength(14);
    expect(parsed.loans).toEqual([{ manager: 'boss', loans: 1, sats: '500000000' }]);
    expect(existsSync(chart) && readFileSync(chart, 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    const table = await run(['--db', db, 'audit', 'report'], dir);
    expect(table.out).toContain('Open contracts by term and size');

    const raw = new Database(db);
    raw.exec('DROP TRIGGER receipts_no_update');
    raw.prepare(`UPDATE receipts SET now = now + 1 WHERE id = 7`).run();
    raw.close();
    const bad = await run(['--db', db, 'audit', 'verify'], dir);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('receipt chain BROKEN at receipt 7: hash does not match the receipt content');
  }, 90_000);

  it('refuses bad arguments in one sentence and never creates a database', async () => {
    const dir = tempDir();
    const r = await run(['--db', join(dir, 'none.sqlite'), 'audit', 'contracts'], dir);
    expect(r.code).toBe(3); // could not run
    expect(r.err).toMatch(/does not exist yet/);
    expect(existsSync(join(dir, 'none.sqlite'))).toBe(false);
    buildYear(dir).db.close();
    const bad = await run(['--db', join(dir, 'audit.sqlite'), 'audit', 'contracts', '--status', 'sleeping'], dir);
    expect(bad.code).toBe(2); // a bad filter value is a usage error
    expect(bad.err).toBe('stakebts: --status must be one of open, matured, stopped, not "sleeping".\n');
    const missing = await run(['--db', join(dir, 'audit.sqlite'), 'audit', 'contract', '42'], dir);
    expect(missing.err).toBe('stakebts: There is no contract 42.\n');
  }, 90_000);
});
