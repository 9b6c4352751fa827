import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { wait } from '../../src/utils/promise/index.js';
import { useTempDir } from '../helpers/tempDir.js';
import { BIN, type Desk, startDesk } from '../manager/fixture.js';

const tempDir = useTempDir();
const children: ChildProcess[] = [];
let desk: Desk | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await desk?.close();
  desk = undefined;
});
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first (the CLI is tested compiled)');
});

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function listening(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => r(false));
  });
}

/** Spawns the real CLI; resolves once its output matches `ready`. */
function launch(args: string[], cwd: string, ready: RegExp, nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const isReady = new Promise<void>((resolveReady, reject) => {
    const check = () => ready.test(out) && resolveReady();
    child.stdout.on('data', (d) => {
      out += String(d);
      check();
    });
    child.stderr.on('data', (d) => {
      out += String(d);
      check();
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ready: ${out.slice(0, 500)}`)));
  });
  isReady.catch(() => {});
  return { child, isReady, output: () => out };
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(3, '0');

describe('process hardening', () => {
  it('SIGUSR1 opens no inspector in `stakebts sim chain`: nothing listens on the inspector port and the process keeps running', async () => {
    // Node would listen on 127.0.0.1:9229; the test names a free port instead (same mechanism), so another
    // process on this machine holding 9229 cannot make it pass or fail.
    const port = await freePort();
    const sim = launch(['sim', 'chain', '--port', '0'], tempDir(), /"chainId"/, [`--inspect-port=${port}`]);
    await sim.isReady;
    sim.child.kill('SIGUSR1');
    await wait(1_000);
    expect(await listening(port)).toBe(false);
    expect(sim.output()).not.toMatch(/Debugger listening/);
    expect(sim.output()).toMatch(/SIGUSR1 ignored/);
    expect(sim.child.exitCode).toBe(null);
    expect(sim.child.signalCode).toBe(null);
    // And the simulator still answers.
    const url = /"url": "(ws:[^"]+)"/.exec(sim.output())?.[1] ?? 'ws://127.0.0.1:1';
    expect(await listening(Number(new URL(url).port))).toBe(true);
  }, 30_000);

  it('a started daemon creates its database, -wal, -shm and lock files with mode 0600', async () => {
    desk = await startDesk(tempDir());
    const daemon = launch(['start', '--password-file', desk.passwordFile], desk.dir, /stakebts started/);
    await daemon.isReady;
    const db = join(desk.dir, 'stakebts.sqlite');
    const files = [db, `${db}-wal`, `${db}-shm`, `${db}.lock`].concat(existsSync(`${db}.lock-journal`) ? [`${db}.lock-journal`] : []);
    expect(files.map((f) => [f, mode(f)])).toEqual(files.map((f) => [f, '600']));
    daemon.child.kill('SIGTERM');
    await new Promise((r) => daemon.child.once('exit', r));
  }, 60_000);

  it('every file `stakebts demo` leaves (database, log, config, ledgers, summary, keystore, lock) is mode 0600', async () => {
    const dir = resolve(tempDir(), 'demo');
    const demo = launch(['demo', '--months', '1', '--fast', '--dir', dir, '--json'], tempDir(), /"ledgerCheck"/);
    await demo.isReady;
    await new Promise((r) => (demo.child.exitCode === null ? demo.child.once('exit', r) : r(null)));
    expect(demo.child.exitCode).toBe(0);
    const names = readdirSync(dir);
    expect(names).toEqual(expect.arrayContaining(['stakebts.sqlite', 'daemon.log', 'stakebts.sqlite.lock', 'stakebts.config.json']));
    expect(names.map((n) => [n, mode(join(dir, n))])).toEqual(names.map((n) => [n, '600']));
  }, 180_000);
});
