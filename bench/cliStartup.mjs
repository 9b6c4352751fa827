/**
 * CLI start-up benchmark: how long `stakebts` takes before it does anything, as an operator (or a script calling
 * `status` every minute) pays it on every run. Each row spawns the compiled CLI (bin/stakebts.js → dist/, so
 * `npm run build` first) N times and prints the median wall time and the median CPU time (user + system) of the
 * child, read from this process's /proc/self/stat (cutime/cstime grow by exactly what each waited-for child used).
 *
 *   node bench/cliStartup.mjs [N]      (default N = 15)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../dist/db/openDatabase.js';

const runs = Number(process.argv[2] ?? 15);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/stakebts.js');
const dir = mkdtempSync(join(tmpdir(), 'stakebts-cli-bench-'));
const db = join(dir, 'stakebts.sqlite');
openDatabase(db).close(); // a real command needs a database to read

/** Children's CPU so far, in ms (clock ticks are 10 ms on Linux: USER_HZ 100). */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) * 10; // fields 16 and 17 of proc(5): cutime, cstime
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [
  null, // bare `node -e ''`: the floor no CLI start can go under
  ['--version'],
  ['--help'],
  ['status', '--help'],
  ['audit', 'receipts', '--help'],
  // A real command: what lazy loading must not slow down (it still loads what it uses).
  ['--db', db, 'status', '--offline'],
  ['--db', db, 'audit', 'verify'],
];

process.stdout.write(`CLI start-up, ${runs} runs per row, load average ${loadavg()[0].toFixed(1)}, node ${process.version}\n\n`);
process.stdout.write('| command | median wall | median CPU | exit |\n| --- | --- | --- | --- |\n');
try {
  for (const args of rows) {
    const walls = [];
    const cpus = [];
    let status = null;
    for (let i = 0; i < runs; i++) {
      const cpu0 = childrenCpuMs();
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args ? [bin, ...args] : ['-e', ''], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, STAKEBTS_CONFIG: '' },
      });
      walls.push(performance.now() - t0);
      cpus.push(childrenCpuMs() - cpu0);
      status = r.status;
    }
    const shown = args ? `stakebts ${args.map((a) => (a === db ? 'DB' : a)).join(' ')}` : "node -e ''";
    process.stdout.write(`| \`${shown}\` | ${median(walls).toFixed(0)} ms | ${median(cpus).toFixed(0)} ms | ${status} |\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`\nload average after: ${loadavg()[0].toFixed(1)}\n`);
