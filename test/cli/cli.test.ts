import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDaemonLock } from '../../src/db/daemonLock.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { useTempDir } from '../helpers/tempDir.js';

const BIN = resolve('bin/stakebts.js');
const tempDir = useTempDir();

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, STAKEBTS_CONFIG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectOneSentence(err: string) {
  expect(err).not.toMatch(/\n\s+at /); // no stack trace
  expect(err.trim().split('\n')).toHaveLength(1);
}

describe('stakebts CLI (compiled, as a user runs it)', () => {
  it('imports the legacy file, then reports receipts as table, JSON lines and CSV', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'db'));
    const file = resolve('preexisting_contracts.ts');
    // No node in this test: the accounts are not looked up on chain (test/manager/importAccounts.test.ts does that).
    const first = run(['import', '--file', file, '--no-account-check'], dir);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/imported 3 contract\(s\), 0 already present/);
    expect(run(['import', '--file', file, '--no-account-check'], dir).out).toMatch(/imported 0 contract\(s\), 3 already present/);

    const json = run(['audit', 'receipts', '--json'], dir);
    const lines = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg.event)).toEqual(['contract_imported', 'contract_imported', 'contract_imported']);
    const bob = run(['audit', 'receipts', '--user', 'bob.staker', '--json'], dir).out.trim().split('\n');
    expect(bob).toHaveLength(1);
    const csv = run(['audit', 'receipts', '--csv'], dir).out.trim().split('\n');
    expect(csv[0]).toBe('id,nonce,time (UTC),event,message');
    // The message holds commas and quotes: CSV must quote and double them.
    expect(csv[1]).toMatch(/^1,1,[^,]+,contract_imported,"\{""event"":""contract_imported"",/);
    expect(run(['audit', 'receipts', '--since', '2999-01-01', '--json'], dir).out).toBe('');
    const table = run(['audit', 'receipts'], dir)
      .out.split('\n')
      .filter((l) => l.startsWith('│'));
    expect(new Set(table.map((l) => l.length)).size).toBe(1); // aligned columns
    expect(run(['audit', 'verify'], dir).out).toMatch(/receipt chain intact: 3 receipt\(s\)/);
    // Nine compiled CLI runs, each a fresh Node process: seconds apiece on a loaded machine.
  }, 120_000);

  it('says what is wrong with a bad config in one sentence naming the key', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'stakebts.config.json'), JSON.stringify({ terms: { interestBps: -1 } }));
    const r = run(['audit', 'receipts'], dir);
    expect(r.code).toBe(2); // a bad config is a usage error (README "Exit codes")
    expect(r.err).toMatch(/Invalid configuration in stakebts\.config\.json: terms\.interestBps/);
    expectOneSentence(r.err);
  });

  it('says the database directory is missing in one sentence', () => {
    const r = run(['--db', 'missing/dir/x.sqlite', 'import', '--file', resolve('preexisting_contracts.ts')], tempDir());
    expect(r.code).toBe(3); // could not run
    expect(r.err).toMatch(/The database directory .*missing\/dir does not exist/);
    expectOneSentence(r.err);
  });

  it('says the database is locked in one sentence', () => {
    const dir = tempDir();
    const path = join(dir, 'x.sqlite');
    openDatabase(path).close();
    const holder = openDatabase(path);
    holder.exec('BEGIN EXCLUSIVE');
    const r = spawnSync(process.execPath, [BIN, '--db', path, 'import', '--file', resolve('preexisting_contracts.ts')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, STAKEBTS_CONFIG: '' },
      timeout: 30_000,
    });
    holder.exec('ROLLBACK');
    expect(r.status).toBe(3); // could not run
    expect(r.stderr).toMatch(/is locked by another process/);
    expectOneSentence(r.stderr);
    // The daemon lock is separate and also explained.
    const lock = acquireDaemonLock(path);
    expect(() => acquireDaemonLock(path)).toThrow(/Another stakebts daemon is already running/);
    lock.release();
  });

  it('lists every bad import line and exits non-zero', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'db'));
    const file = join(dir, 'legacy.ts');
    writeFileSync(file, 'export const STAKES = `\nbad line\nalice 1633046400000 99 3 0\n`;\n');
    const r = run(['import', '--file', file], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/2 bad line\(s\); nothing was imported/);
    expect(r.err).toMatch(/line 2: expected 5 fields/);
    expect(r.err).toMatch(/line 3: amount "99" is not an allowed stake amount/);
  });
});
