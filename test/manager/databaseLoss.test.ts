import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/tempDir.js';
import { BIN, type Desk, oneSentence, runCli, startDesk } from './fixture.js';

const tempDir = useTempDir();
let desk: Desk | undefined;
let daemon: ChildProcess | undefined;
afterEach(async () => {
  daemon?.kill('SIGKILL');
  daemon = undefined;
  await desk?.close();
  desk = undefined;
});
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first');
});

type Running = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startInBackground(d: Desk, args: string[] = []): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--password-file', d.passwordFile, ...args], {
      cwd: d.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const onData = (b: Buffer) => {
      text += String(b);
      if (/stakebts started/.test(text)) resolve({ child, output: () => text, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`daemon exited (${code}) before it started: ${text.slice(0, 800)}`)));
  });
}

describe('a lost or damaged database never means paying again', () => {
  it('a database deleted under a running daemon stops it with one sentence; the next start on an empty file is refused', async () => {
    desk = await startDesk(tempDir());
    const run = await startInBackground(desk);
    daemon = run.child;
    const db = join(desk.dir, 'stakebts.sqlite');
    await new Promise((r) => setTimeout(r, 500));
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
    const code = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(code).toBe(3); // could not run on
    expect(run.output()).toMatch(/stakebts: .*stakebts\.sqlite was removed while the daemon ran; stopped so that nothing is paid/);

    const again = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { timeoutMs: 30_000 });
    expect(again.code).toBe(3); // could not run
    expect(oneSentence(again.err)).toMatch(/is new, but a daemon ran on it before .*restore the last backup .*--first-start/);
    // The operator who really starts over says so.
    const over = await runCli(['start', '--password-file', desk.passwordFile, '--first-start'], desk.dir, { until: /stakebts started/ });
    expect(over.code).toBe(0);
  }, 90_000);

  it('a new database for a broker that has sent transactions before is refused (the database and its mark were lost)', async () => {
    desk = await startDesk(tempDir());
    desk.chain.createAccount('walk-in');
    desk.chain.fund('walk-in', 100_000_000n);
    const run = await startInBackground(desk);
    daemon = run.child;
    await desk.chain.clientTransfer({ from: 'walk-in', to: 'stakebts-broker', amountSats: 50_000_000n, memo: 'hello' });
    for (let i = 0; i < 100 && !desk.chain.transfersTo('walk-in').some((t) => t.fromName === 'stakebts-broker'); i++) {
      desk.chain.produceBlocks(1);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(desk.chain.transfersTo('walk-in').filter((t) => t.fromName === 'stakebts-broker')).toHaveLength(1);
    run.child.kill('SIGTERM');
    await run.exited;
    // A new machine: no database, no mark beside it.
    const db = join(desk.dir, 'stakebts.sqlite');
    for (const suffix of ['', '-wal', '-shm', '.state']) rmSync(`${db}${suffix}`, { force: true });
    const again = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { timeoutMs: 30_000 });
    expect(again.code).toBe(3); // could not run
    expect(oneSentence(again.err)).toMatch(
      /is new, but the broker "stakebts-broker" has sent transactions on chain before; restore the last backup .*--first-start/,
    );
    const first = await runCli(['start', '--password-file', desk.passwordFile, '--first-start'], desk.dir, { until: /stakebts started/ });
    expect(first.code).toBe(0);
  }, 90_000);

  it('a damaged database is refused at start, and read commands say so in one sentence', async () => {
    desk = await startDesk(tempDir());
    const first = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { until: /stakebts started/ });
    expect(first.code).toBe(0);
    const db = join(desk.dir, 'stakebts.sqlite');
    // Fold the WAL in, then overwrite pages in the middle of the file (not the header).
    const raw = new Database(db);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const size = statSync(db).size;
    const fd = openSync(db, 'r+');
    for (let at = 4096 * 2; at < size; at += 4096) writeSync(fd, Buffer.alloc(512, 0xa5), 0, 512, at + 100);
    closeSync(fd);
    const start = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { timeoutMs: 30_000 });
    expect(start.code).toBe(3); // could not run
    expect(oneSentence(start.err)).toMatch(/The database .*is damaged \(.*\); restore the last backup/);
    const audit = await runCli(['audit', 'receipts'], desk.dir, { timeoutMs: 30_000 });
    expect(audit.code).toBe(3); // could not run
    expect(oneSentence(audit.err)).toMatch(/is damaged/);
  }, 90_000);
});
