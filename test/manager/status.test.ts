import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { importLegacyContracts } from '../../src/import/importLegacyContracts.js';
import { startMetricsServer } from '../../src/metrics/startMetricsServer.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Desk, runCli, startDesk } from './fixture.js';

const tempDir = useTempDir();
let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first');
});
const DAY = 86_400_000;

function seed(d: Desk): void {
  const db = openDatabase(join(d.dir, 'stakebts.sqlite'));
  try {
    // Interest 1 (2 000 BTS) due in 2 days, interest 2 in 32 days; a second contract with nothing due within 30 days.
    importLegacyContracts(
      db,
      `alice ${Date.now() - 28 * DAY} 25000 3 0\nbob ${Date.now() - 5 * DAY} 50000 6 0\n`,
      parseConfig(d.config).terms,
    );
  } finally {
    db.close();
  }
}

describe('stakebts status', () => {
  it('reports contracts, amounts due in 7 and 30 days, the node head and the broker balance (JSON)', async () => {
    desk = await startDesk(tempDir(), { brokerBts: 2_500 });
    desk.chain.produceBlocks(7);
    seed(desk);
    const r = await runCli(['status', '--json'], desk.dir);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.openContracts).toBe(2);
    expect(s.due7dSats).toBe(String(2_000n * 100_000n));
    // 30 days: alice's interest 1 (2 000) and bob's interest 1 (4 000, due in 25 days)
    expect(s.due30dSats).toBe(String(6_000n * 100_000n));
    expect(s.live.node.irreversibleBlock).toBe(desk.chain.lastIrreversibleBlockNumber);
    expect(s.live.brokerBalanceSats).toBe(String(2_500n * 100_000n));
    expect(s.cursor).toBeNull();
    expect(s.lagBlocks).toBe(desk.chain.lastIrreversibleBlockNumber);
    const text = await runCli(['status'], desk.dir);
    expect(text.out).toMatch(/contracts {2}2 open/);
    expect(text.out).toMatch(/due {8}next 7 days 2000\.00000 BTS; next 30 days 6000\.00000 BTS/);
  });

  it('says "unreachable" when no node answers, and still reports the database', async () => {
    desk = await startDesk(tempDir());
    seed(desk);
    desk.writeConfig({ nodes: ['ws://127.0.0.1:9'] });
    const r = await runCli(['status', '--timeout', '1000'], desk.dir);
    expect(r.code).toBe(1); // unhealthy: no node reachable
    expect(r.out).toMatch(/node unreachable/);
    expect(r.out).toMatch(/contracts {2}2 open/);
  });

  it('warns when one node decides alone, and when fewer nodes answer than the quorum needs', async () => {
    desk = await startDesk(tempDir());
    seed(desk);
    const one = await runCli(['status', '--json'], desk.dir);
    const trust = (JSON.parse(one.out) as { live: { trust: { reachable: number; warnings: string[] } } }).live.trust;
    expect(trust.reachable).toBe(1);
    expect(trust.warnings).toEqual(['only one node is configured: what it says about deposits is believed alone']);
    desk.writeConfig({ nodes: [desk.chain.url, 'ws://127.0.0.1:9'], quorum: 2 });
    const two = await runCli(['status', '--timeout', '1000'], desk.dir);
    expect(two.out).toMatch(/nodes {6}1 of 2 reachable, quorum 2/);
    expect(two.out).toMatch(/WARNING {2}only 1 node\(s\) reachable, fewer than the quorum of 2: blocks with deposits wait/);
  });

  it('serves Prometheus metrics on loopback', async () => {
    desk = await startDesk(tempDir());
    seed(desk);
    const db = openDatabase(join(desk.dir, 'stakebts.sqlite'), { readonly: true });
    const m = await startMetricsServer({ db, irreversibleBlock: () => 42 });
    try {
      expect(m.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const text = await (await fetch(m.url)).text();
      expect(text).toMatch(/^stakebts_open_contracts 2$/m);
      expect(text).toMatch(/^stakebts_cursor_lag_blocks 42$/m);
      expect(text).toMatch(/^stakebts_liabilities_due_bts\{window="7d"\} 2000$/m);
    } finally {
      await m.close();
      db.close();
    }
  });
});
