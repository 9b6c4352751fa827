import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, linkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireDaemonLock } from '../../src/db/daemonLock.js';
import { openDatabase } from '../../src/db/openDatabase.js';
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

/** Starts `stakebts start` in the background and resolves once it says it started. */
function startInBackground(d: Desk, args: string[] = []): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--password-file', d.passwordFile, ...args], {
      cwd: d.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const onData = (b: Buffer) => {
      text += String(b);
      if (/stakebts started/.test(text)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`daemon exited (${code}): ${text.slice(0, 800)}`)));
  });
}

describe('one daemon per database, whatever the path', () => {
  it('a second daemon through a symlink or a hard link to the running one’s database is refused in one sentence', async () => {
    desk = await startDesk(tempDir());
    daemon = await startInBackground(desk);
    const db = join(desk.dir, 'stakebts.sqlite');
    const viaSymlink = join(desk.dir, 'alias.sqlite');
    symlinkSync(db, viaSymlink);
    const sym = await runCli(['start', '--password-file', desk.passwordFile, '--db', viaSymlink], desk.dir, { timeoutMs: 30_000 });
    expect(sym.code).toBe(3); // could not run
    expect(oneSentence(sym.err)).toMatch(/Another stakebts daemon is already running on .*stakebts\.sqlite; stop it first\./);

    const other = tempDir();
    const viaHardLink = join(other, 'copy.sqlite');
    linkSync(db, viaHardLink);
    const hard = await runCli(['start', '--password-file', desk.passwordFile, '--db', viaHardLink], desk.dir, { timeoutMs: 30_000 });
    expect(hard.code).toBe(3); // could not run
    expect(oneSentence(hard.err)).toMatch(/has 2 hard links/);
    // Neither intruder wrote a journal of its own next to its path.
    expect(existsSync(`${viaHardLink}-wal`)).toBe(false);
    expect(existsSync(`${viaSymlink}-wal`)).toBe(false);
  }, 60_000);

  it('the lock is taken on the file itself: a symlink finds it held, a hard-linked file is refused even when idle', () => {
    const dir = tempDir();
    const path = join(dir, 'db.sqlite');
    openDatabase(path).close();
    const alias = join(dir, 'alias.sqlite');
    symlinkSync(path, alias);
    const lock = acquireDaemonLock(path);
    expect(() => acquireDaemonLock(alias)).toThrow(/Another stakebts daemon is already running/);
    lock.release();
    acquireDaemonLock(alias).release();
    linkSync(path, join(tempDir(), 'linked.sqlite'));
    expect(() => acquireDaemonLock(path)).toThrow(/has 2 hard links/);
  });
});
