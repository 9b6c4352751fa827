import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../src/chain/nodeClient/index.js';
import { readSimRun } from '../../src/sim/desk/index.js';
import { wait } from '../../src/utils/promise/index.js';

/**
 * The by-hand journey of docs/operating.md ("A desk on the simulators, by hand"), run exactly as documented: the
 * commands of the fenced block after the `<!-- journey` marker, in order, each in a shell with `stakebts` being the
 * compiled CLI (bin/stakebts.js → dist/; `npm run build` first). Lines ending in `&` run in the background and are
 * waited for; read-only commands (status, audit) are re-run until the desk shows what the docs promise, with generous
 * deadlines (a loaded 2-core machine), never a fixed sleep. The one change: `sim up` gets `--chain-port 0
 * --bittrex-port 0`, so the test never fights another process for 8090/8091 (the ports reach the other commands
 * through the folder, as they do for a reader who picks other ports).
 */

const BIN = resolve('bin/stakebts.js');
const DOC = resolve('docs/operating.md');
const WAIT_MS = 90_000;

/** The commands of the journey block, exactly as written. */
function journeyCommands(markdown: string): string[] {
  const at = markdown.indexOf('<!-- journey');
  if (at < 0) throw new Error('docs/operating.md has no <!-- journey --> marker');
  const block = /```sh\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (!block?.[1]) throw new Error('no ```sh block after the journey marker');
  return block[1]
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** The fields of a transfer operation this test reads. */
type TransferFields = { from?: string; to?: string; amount?: { amount: string | number } };
type Run = { code: number | null; stdout: string; stderr: string };
const background: ChildProcess[] = [];
const cwd = mkdtempSync(join(tmpdir(), 'stakebts-journey-'));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STAKEBTS_') && k !== 'NODE_OPTIONS'));

/** One documented line in a shell whose `stakebts` is the compiled CLI. */
function shell(line: string, detached: boolean): ChildProcess {
  return spawn('sh', ['-c', `stakebts() { node "${BIN}" "$@"; }\n${line}`], { cwd, env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(line: string): Promise<Run> {
  return new Promise((done) => {
    const child = shell(line, false);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Waits until a background line printed `text`; fails at once, with its output, if it exits first. */
function ready(p: { output: () => string; child: ChildProcess }, text: string, what: string): Promise<true> {
  return until(
    what,
    () => {
      if (p.output().includes(text)) return true;
      if (p.child.exitCode !== null || p.child.signalCode !== null)
        throw new Error(`${what}: it exited (${p.child.exitCode ?? p.child.signalCode})\n${p.output().slice(-3000)}`);
      return undefined;
    },
    p.output,
  );
}

/** Starts a background line; `output()` is what it printed so far. */
function start(line: string): { output: () => string; child: ChildProcess } {
  const child = shell(line, true);
  background.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  return { child, output: () => out };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, last: () => string): Promise<T> {
  const giveUp = Date.now() + WAIT_MS;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}; last output:\n${last().slice(-3000)}`);
    await wait(250);
  }
}

/** Re-runs a read-only documented command until its output satisfies `ok` (exit 0 required). */
async function runUntil(line: string, what: string, ok: (r: Run) => boolean): Promise<Run> {
  let last: Run = { code: null, stdout: '', stderr: '' };
  return until(
    what,
    async () => {
      last = await run(line);
      return last.code === 0 && ok(last) ? last : undefined;
    },
    () => `exit ${last.code}\n${last.stdout}\n${last.stderr}`,
  );
}

/** Whether any process of the group led by `pid` still runs (the shell and the stakebts it started). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  // The daemon first (it finishes its block and payments), then the simulators: each by its own process group, and
  // waited for until no process of the group is left (the shell exits at once; its stakebts after a clean stop).
  for (const child of background.reverse()) {
    const pid = child.pid;
    if (pid === undefined || !groupAlive(pid)) continue;
    process.kill(-pid, 'SIGTERM');
    const giveUp = Date.now() + 20_000;
    while (groupAlive(pid) && Date.now() < giveUp) await wait(100);
    if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
  }
  rmSync(cwd, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}, 60_000);

describe('docs/operating.md: the by-hand journey, exactly as documented', () => {
  const commands = journeyCommands(readFileSync(DOC, 'utf8'));

  it('the block walks sim up → start → sim send a stake → status → sim send a stop → audit', () => {
    const order = [
      /^stakebts sim up .*&$/,
      /^stakebts start .*&$/,
      /sim send .*--memo six_months/,
      /^stakebts status/,
      /sim send .*--memo stop/,
      /^stakebts audit verify/,
    ];
    let from = 0;
    for (const re of order) {
      const i = commands.findIndex((c, k) => k >= from && re.test(c));
      expect(i, `a command matching ${re} after line ${from}`).toBeGreaterThanOrEqual(from);
      from = i + 1;
    }
  });

  it('runs: a contract opens after the stake, the stop is settled and paid on the chain, audit verify exits 0', async () => {
    expect(existsSync(resolve('dist/cli/main.js')), 'run `npm run build` first').toBe(true);
    let deskDir = '';
    let sawStop = false;
    for (const line of commands) {
      if (line.endsWith('&')) {
        const bare = line.slice(0, -1).trim();
        if (/^stakebts sim up /.test(bare)) {
          const dir = /--dir\s+(\S+)/.exec(bare)?.[1] ?? 'stakebts-sim';
          deskDir = join(cwd, dir);
          const p = start(`${bare} --chain-port 0 --bittrex-port 0`);
          await ready(p, 'simulators ready', 'sim up to be ready');
          expect(p.output()).toMatch(/password \(throwaway, also in .*password\): \S{12,}/);
        } else if (/^stakebts start /.test(bare)) {
          const p = start(bare);
          await ready(p, '"msg":"stakebts started"', 'the daemon to start');
        } else {
          start(bare);
        }
        continue;
      }
      if (/^stakebts status\b/.test(line)) {
        const r = await runUntil(line, 'status to show the contract', (x) => /contracts\s+1 open/.test(x.stdout));
        expect(r.stdout).toMatch(/health\s+OK/);
        expect(r.stdout).toMatch(/a daemon holds this database/);
      } else if (/^stakebts audit contracts\b/.test(line)) {
        await runUntil(line, 'the open contract', (x) => /alice\s+│\s+25,000\s+│\s+6\s+│.*│\s+open\s+│/.test(x.stdout));
      } else if (/^stakebts audit payouts\b/.test(line)) {
        const r = await runUntil(line, 'the stop paid', (x) =>
          /│\s+stop\s+│.*│\s+alice\s+│\s+21,251\s+│\s+paid\s+│\s+broker/.test(x.stdout),
        );
        expect(r.stdout).toMatch(/contract_receipt\s+│.*│\s+1\s+│\s+paid/);
      } else if (/^stakebts audit receipts\b/.test(line)) {
        const r = await runUntil(
          line,
          'the receipts of the stake and the stop',
          (x) => /stop_settled/.test(x.stdout) && /payout_paid.*purpose stop/.test(x.stdout),
        );
        expect(r.stdout).toMatch(/contract_opened/);
      } else {
        const r = await run(line);
        expect(r.code, `${line}\n${r.stdout}\n${r.stderr}`).toBe(0);
        if (/sim send /.test(line)) {
          expect(r.stdout).toMatch(/^sent .* tx [0-9a-f]{40}, in block \d+\n$/);
          if (/--memo stop/.test(line)) sawStop = true;
        }
        if (/^stakebts audit verify\b/.test(line)) expect(r.stdout).toMatch(/receipt chain intact/);
      }
    }
    expect(sawStop).toBe(true);

    // On the chain itself: the broker paid alice exactly twice, the 1 BTS contract receipt and the 21 251 BTS stop.
    const sim = readSimRun(deskDir);
    const node = createNodeClient({ urls: [sim.chainUrl], expectedChainId: sim.chainId });
    try {
      const [broker, alice] = await node.getAccounts(['stakebts-broker', 'alice']);
      const head = (await node.getDynamicGlobalProperties()).lastIrreversibleBlockNum;
      const paid: bigint[] = [];
      for (let n = 1; n <= head; n++) {
        for (const tx of (await node.getBlock(n))?.transactions ?? []) {
          for (const [type, op] of (tx as { operations: Array<[number, TransferFields]> }).operations) {
            if (type === 0 && op.from === broker?.id && op.to === alice?.id) paid.push(BigInt(op.amount?.amount ?? 0));
          }
        }
      }
      expect(paid.sort((a, b) => (a < b ? -1 : 1))).toEqual([100_000n, 2_125_100_000n]);
    } finally {
      await node.close();
    }
  }, 300_000);
});
