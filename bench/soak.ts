/**
 * The adversarial soak at full size: a simulated year, ≥ 100 SIGKILLs, five weeks of downtime while stops arrive,
 * manager memos of every kind, two older backups restored mid-run; every client's payments checked against RULES.md
 * recomputed independently from the chain's transfers (audit/replay/computeEntitlements.ts), not against the database,
 * then `stakebts audit replay` itself on the desk (from processed_ops and from a block scan), which must exit 0.
 * Run: npx tsx bench/soak.ts [--kills 100] [--block-ms 250] [--seed 11]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak } from '../test/helpers/soak.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '100' },
    'block-ms': { type: 'string', default: '250' },
    seed: { type: 'string', default: '11' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'stakebts-soak-'));
try {
  const r = await runSoak({
    dir,
    kills: Number(values.kills),
    blockMs: Number(values['block-ms']),
    seed: Number(values.seed),
    restores: [
      [150, 60],
      [300, 240],
    ],
    downtime: [[95, 130]],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const row = (k: string, v: unknown) => process.stdout.write(`${k.padEnd(28)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
  row('SIGKILLs', r.kills);
  row('backups restored', r.restores);
  row('simulated days', r.days);
  row('wall time (s)', (r.wallMs / 1000).toFixed(1));
  row('payments owed (RULES.md)', r.entitlements);
  row('payments received', r.paid);
  row('missing', r.missing.length);
  row('double or unowed', r.extra.length);
  row('paid via exchange', r.viaBittrex);
  row('recognised after restore', r.adopted);
  row('sent payments the restores forgot', r.lostToRestore);
  row('alarms', r.alarms);
  row('receipt chain', r.receiptChainOk ? 'ok' : 'BROKEN');
  // The auditor's command on the same desk: exit code, its verdict line, and what it cost.
  for (const [name, run] of Object.entries(r.replay)) {
    const verdict = run.out.split('\n').find((l) => l.startsWith('no differences') || / client\(s\) with differences|incoming \[/.test(l));
    row(`audit replay (${name})`, `exit ${run.code}, ${(run.ms / 1000).toFixed(1)} s: ${verdict ?? run.out.split('\n')[0]}`);
  }
  if (r.missing.length || r.extra.length) row('detail', r.detail);
  const replayFailed = Object.values(r.replay).some((run) => run.code !== 0);
  if (replayFailed)
    process.stderr.write(
      Object.values(r.replay)
        .map((run) => run.out)
        .join('\n'),
    );
  process.exitCode = r.missing.length || r.extra.length || !r.receiptChainOk || replayFailed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
