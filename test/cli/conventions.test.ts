import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandPath, EXAMPLES } from '../../src/cli/examples.js';
import { exitCodeFor } from '../../src/cli/exitCodes.js';
import { buildProgram, runCli as runInProcess } from '../../src/cli/runCli.js';
import { appendAlarm } from '../../src/db/alarms.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { createLogger, noColor } from '../../src/log.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Desk, runCli, startDesk } from '../manager/fixture.js';

// Issue 13 §1: git-style conventions, checked on the compiled CLI as an operator runs it.
const BIN = resolve('bin/stakebts.js');
const tempDir = useTempDir();
const VERSION = (JSON.parse(spawnSync('cat', ['package.json'], { encoding: 'utf8' }).stdout) as { version: string }).version;
let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});

function runAsync(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, STAKEBTS_CONFIG: '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => res({ code, out, err }));
  });
}

/**
 * The CLI in this process (the same runCli as bin/stakebts.js; spawning two dozen processes on a loaded CI machine
 * costs a minute): its output and the exit code it sets.
 */
async function runHere(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((t) => {
    out += String(t);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((t) => {
    err += String(t);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await runInProcess(['node', 'stakebts', ...args]);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    process.exitCode = before;
    o.mockRestore();
    e.mockRestore();
  }
}

/** Every command path of the tree ('' for the root, then 'audit verify'…). */
function allPaths(): string[] {
  const paths: string[] = [];
  const visit = (c: Command) => {
    paths.push(commandPath(c));
    for (const s of c.commands) visit(s);
  };
  visit(buildProgram());
  return paths;
}

describe('CLI conventions (issue 13 §1)', () => {
  it('--version prints the package version and exits 0; -V too', () => {
    for (const flag of ['--version', '-V']) {
      const r = spawnSync(process.execPath, [BIN, flag], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(VERSION);
    }
  });

  it('every command and subcommand has --help with one example, exit 0', { timeout: 60_000 }, async () => {
    const paths = allPaths();
    expect(paths.length).toBeGreaterThan(20);
    // The example table names exactly the commands of the tree (a new command needs one; a stale one is removed).
    expect(Object.keys(EXAMPLES).sort()).toEqual([...paths].sort());
    const runs: Array<{ code: number; out: string }> = [];
    for (const p of paths) runs.push(await runHere([...(p ? p.split(' ') : []), '--help']));
    runs.forEach((r, i) => {
      const path = paths[i] ?? '';
      expect(r.code, `stakebts ${path} --help`).toBe(0);
      expect(r.out, path).toMatch(new RegExp(`^Usage: stakebts${path ? ` ${path}` : ''} `));
      const examples = r.out.split('\n').filter((l) => l.startsWith('  $ stakebts'));
      expect(examples, path).toHaveLength(1);
      // The example runs the command it documents.
      expect(examples[0], path).toMatch(new RegExp(`^ {2}\\$ stakebts (--config \\S+ )?${path}`));
    });
  });

  it('an unknown option is a usage error (exit 2) on every command, before anything runs', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const paths = allPaths().filter((p) => p !== 'sim chain'); // covered below: its flags are parsed by the simulator
    const runs: Array<{ code: number; err: string }> = [];
    for (const p of paths) runs.push(await runHere([...(p ? p.split(' ') : []), '--no-such-option']));
    runs.forEach((r, i) => {
      expect(r.code, `stakebts ${paths[i]} --no-such-option: ${r.err}`).toBe(2);
      // Commander reports a missing required option (admin moves) before an unknown one: both are usage errors.
      expect(r.err).toMatch(/unknown option '--no-such-option'|required option/i);
    });
    const sim = await runAsync(['sim', 'chain', '--no-such-option'], dir);
    expect(sim.code).toBe(2);
    expect(sim.err).toMatch(/Unknown option '--no-such-option'/);
    expect((await runHere(['frobnicate'])).code).toBe(2);
    // And the compiled binary says the same.
    const spawned = await runAsync(['status', '--no-such-option'], dir);
    expect(spawned.code).toBe(2);
    const help = await runAsync(['audit', 'verify', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Example:\n {2}\$ stakebts audit verify/);
  });

  it('bad values are 2, a check that finds something is 1, could-not-run is 3', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const db = join(dir, 'x.sqlite');
    openDatabase(db).close();
    // 2: a bad value on the command line, and a bad config.
    expect((await runHere(['--db', db, 'audit', 'payouts', '--contract', 'x'])).code).toBe(2);
    expect((await runHere(['--db', db, 'status', '--offline', '--max-lag', '-1'])).code).toBe(2);
    expect((await runHere(['sim', 'bittrex', '--accounts', '7'])).code).toBe(2);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ terms: { interestBps: -1 } }));
    expect((await runHere(['--config', join(dir, 'bad.json'), 'status', '--offline'])).code).toBe(2);
    // 0 then 1: verify is clean, then a receipt is tampered with.
    expect((await runHere(['--db', db, 'audit', 'verify'])).code).toBe(0);
    // 3: the database directory does not exist; the database is not a database.
    const missing = await runHere(['--db', join(dir, 'no/such/dir/x.sqlite'), 'status', '--offline']);
    expect(missing.code).toBe(3);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'this is not a database, it is text long enough to look like a file'.repeat(100));
    const corrupt = await runHere(['--db', junk, 'audit', 'verify']);
    expect(corrupt.code).toBe(3);
    const backup = await runHere(['--db', junk, 'backup', join(dir, 'copy.sqlite')]);
    expect(backup.code).toBe(3);
    const status = await runHere(['--db', junk, 'status', '--offline']);
    expect(status.code).toBe(3);
    expect(status.err).toMatch(/^stakebts: .*\n$/);
  });

  it('maps each error code to its documented exit code', () => {
    expect(exitCodeFor('USAGE')).toBe(2);
    expect(exitCodeFor('CONFIG_INVALID')).toBe(2);
    expect(exitCodeFor('DB_CORRUPT')).toBe(3);
    expect(exitCodeFor('DB_LOCKED')).toBe(3);
    expect(exitCodeFor('NODE_UNAVAILABLE')).toBe(3);
    expect(exitCodeFor('KEYSTORE_WRONG_PASSWORD')).toBe(1);
    expect(exitCodeFor('IMPORT_INVALID')).toBe(1);
  });

  it('status shows the version, whether a daemon holds the database, and exits 1 when unhealthy', async () => {
    desk = await startDesk(tempDir());
    openDatabase(join(desk.dir, 'stakebts.sqlite')).close(); // status reads an existing database only
    desk.chain.produceBlocks(3);
    const ok = await runCli(['status', '--json'], desk.dir);
    expect(ok.code).toBe(0);
    const s = JSON.parse(ok.out);
    expect(s.version).toBe(VERSION);
    expect(s.daemonRunning).toBe(false);
    expect(s.health).toEqual({ ok: true, reasons: [] });

    // A running daemon with its metrics port: status says it holds the database; metrics and /healthz are scraped.
    const d = desk;
    const { child, url } = await new Promise<{ child: ChildProcess; url: string }>((res, rej) => {
      const c = spawn(process.execPath, [BIN, 'start', '--password-file', d.passwordFile, '--metrics-port', '0'], { cwd: d.dir });
      let text = '';
      const onData = (b: Buffer) => {
        text += String(b);
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/metrics"/.exec(text);
        if (m?.[1]) res({ child: c, url: m[1] });
      };
      c.stdout.on('data', onData);
      c.stderr.on('data', onData);
      c.once('exit', (code) => rej(new Error(`daemon exited (${code}): ${text.slice(0, 800)}`)));
    });
    try {
      const running = JSON.parse((await runCli(['status', '--json', '--offline'], d.dir)).out);
      expect(running.daemonRunning).toBe(true);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      // Standard names: the default process and Node metrics unrenamed, counters ending in _total.
      for (const name of [
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
      ]) {
        expect(metrics).toMatch(new RegExp(`^${name} `, 'm'));
      }
      expect(metrics).not.toMatch(/^stakebts_process_|^stakebts_nodejs_/m);
      expect(metrics).toContain(`stakebts_build_info{version="${VERSION}"} 1`);
      for (const [name, type] of [
        ['stakebts_incoming_total', 'counter'],
        ['stakebts_payments_total', 'counter'],
        ['stakebts_alarms_total', 'counter'],
        ['stakebts_cursor_lag_blocks', 'gauge'],
        ['stakebts_liabilities_due_bts', 'gauge'],
        ['stakebts_broker_balance_bts', 'gauge'],
        ['stakebts_exchange_balance_bts', 'gauge'],
        ['stakebts_payments_in_flight', 'gauge'],
        ['stakebts_payments_uncertain', 'gauge'],
      ]) {
        expect(metrics).toContain(`# TYPE ${name} ${type}`);
      }
      expect(metrics).toMatch(/^stakebts_broker_balance_bts 100000$/m);
      expect(metrics).toMatch(/^stakebts_exchange_balance_bts\{rail="bittrex1"\} 10000$/m);
      const healthy = await fetch(`${url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.text()).toBe('ok\n');
      // An alarm since the start: 503 with the reason, and the alarm counted.
      const db = openDatabase(join(d.dir, 'stakebts.sqlite'));
      appendAlarm(db, 0, 'backup_failed', { reason: 'test' });
      db.close();
      const sick = await fetch(`${url}/healthz`);
      expect(sick.status).toBe(503);
      expect(await sick.text()).toBe('alarm backup_failed raised (1x since the last start)\n');
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^stakebts_alarms_total\{kind="backup_failed"\} 1$/m);
      const status = await runCli(['status', '--offline'], d.dir);
      expect(status.code).toBe(1);
      expect(status.out).toMatch(/health {5}UNHEALTHY: alarm backup_failed raised/);
      expect(status.out).toMatch(/a daemon holds this database/);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const receipts = await runCli(['audit', 'receipts', '--event', 'startup', '--json'], desk.dir);
    const startup = JSON.parse(receipts.out.trim().split('\n')[0] ?? '{}');
    expect(startup.msg.version).toBe(VERSION);

    // No node reachable: unhealthy, exit 1, the reason printed.
    desk.writeConfig({ nodes: ['ws://127.0.0.1:9'] });
    const down = await runCli(['status', '--timeout', '500'], desk.dir);
    expect(down.code).toBe(1);
    expect(down.out).toMatch(/health {5}UNHEALTHY: no node reachable; alarm backup_failed raised/);
    expect(down.out).toMatch(/no daemon holds this database/);
    expect(down.out).toMatch(new RegExp(`stakebts {3}${VERSION.replace(/\./g, '\\.')}`));
  }, 120_000);

  it('honours NO_COLOR (https://no-color.org): pretty logs carry no escape codes', async () => {
    expect(noColor({ NO_COLOR: '1' })).toBe(true);
    expect(noColor({ NO_COLOR: '' })).toBe(false);
    expect(noColor({})).toBe(false);
    // Pretty logs (a terminal, or LOG_PRETTY=1) as the daemon writes them, to a file read back.
    const dir = tempDir();
    const read = async (name: string, env: Record<string, string | undefined>): Promise<string> => {
      const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
      Object.assign(process.env, env);
      if (env.NO_COLOR === undefined) delete process.env.NO_COLOR;
      const file = join(dir, name);
      try {
        const logger = createLogger({ dest: file, pretty: true, level: 'info' });
        logger.info({ client: 'alice' }, 'contract opened');
        for (let i = 0; i < 100 && !(existsSync(file) && readFileSync(file, 'utf8').includes('contract opened')); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        return readFileSync(file, 'utf8');
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    };
    const coloured = await read('coloured.log', { FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(coloured).toMatch(/contract opened/);
    expect(coloured).toContain('\x1b[');
    const plain = await read('plain.log', { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(plain).toMatch(/contract opened/);
    expect(plain).not.toContain('\x1b[');
  }, 60_000);
});
