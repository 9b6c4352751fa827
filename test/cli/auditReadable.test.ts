import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { auditCommand } from '../../src/cli/commands/audit.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { BaseError } from '../../src/errors/BaseError.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { buildYear, DAY, MONTH, T0 } from '../audit/buildLedger.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
afterEach(() => {
  process.exitCode = 0;
});

/** The audit commands in-process over buildYear's database (read-only), output captured. */
function auditor(more: (l: ReturnType<typeof buildYear>) => void = () => {}, config: Record<string, unknown> = {}) {
  const dir = tempDir();
  const l = buildYear(dir);
  more(l);
  l.db.close();
  const db = join(dir, 'audit.sqlite');
  const cfg = join(dir, 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ db, broker: 'broker', managers: ['boss'], ...config }));
  const run = async (...args: string[]) => {
    let out = '';
    const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
    program.addCommand(
      auditCommand({
        write: (t) => {
          out += t;
        },
      }),
    );
    await program.parseAsync(['node', 'stakebts', '--config', cfg, 'audit', ...args]);
    return out;
  };
  return { db, run };
}

const tableRows = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    );

describe('audit output a person can read', () => {
  it('contracts: grouped BTS, and a stopped contract shows what its stop paid (21 251 = 25 000 − 3 750 + 1 sent)', async () => {
    const a = auditor();
    const [head, ...rows] = tableRows(await a.run('contracts'));
    const col = (name: string) => head?.indexOf(name) ?? -1;
    const carol = rows.find((r) => r[col('user')] === 'carol');
    expect(carol?.[col('amount (BTS)')]).toBe('25,000');
    expect(carol?.[col('state')]).toBe('stopped');
    expect(carol?.[col('stop paid (BTS)')]).toMatch(/^21,251 \(payout \d+\)$/);
    // receipt 1 + interest 2 × 2 000 + the stop 21 251
    expect(carol?.[col('paid (BTS)')]).toBe('25,252');
    expect(rows.find((r) => r[col('user')] === 'alice')?.[col('amount (BTS)')]).toBe('100,000');
    const json = (await a.run('contracts', '--json', '--user', 'carol')).trim();
    expect(JSON.parse(json)).toMatchObject({ stopShareSats: String(21_251n * 100_000n), paidSats: String(25_252n * 100_000n) });
  });

  it('a stop that ends several contracts is split per contract, the shares adding up to the payout', async () => {
    const dir = tempDir();
    const { Ledger } = await import('../audit/buildLedger.js');
    const l = new Ledger(dir);
    l.block(T0, [
      { from: 'alice', bts: 25_000, memo: 'three_months' },
      { from: 'alice', bts: 50_000, memo: 'six_months' },
    ]);
    l.block(T0 + 10 * DAY, [{ from: 'alice', bts: 7, memo: 'stop' }]);
    const stop = l.db.prepare(`SELECT id, amount_sats FROM payouts WHERE purpose = 'stop'`).get() as { id: number; amount_sats: number };
    l.completePayout(stop.id, T0 + 11 * DAY, 'broker', 'tx-stop');
    l.db.close();
    const { listContracts } = await import('../../src/audit/listContracts.js');
    const ro = openDatabase(join(dir, 'audit.sqlite'), { readonly: true });
    const shares = listContracts(ro).map((c) => [c.amountBts, BigInt(c.stopShareSats) / 100_000n, c.stopPayoutId]);
    ro.close();
    // 25 000 − 3 750 (+ the 7 sent, on the contract the intent names) and 50 000 − 7 500
    expect(shares).toEqual([
      [25_000, 21_257n, stop.id],
      [50_000, 42_500n, stop.id],
    ]);
    expect(21_257 + 42_500).toBe(stop.amount_sats / 100_000);
  });

  it('payouts: the tries column is the number of tries the timeline numbers', async () => {
    const a = auditor();
    const [head, ...rows] = tableRows(await a.run('payouts'));
    const ro = openDatabase(a.db, { readonly: true });
    const counts = new Map(
      (
        ro.prepare('SELECT payout_id, count(*) AS n FROM payout_attempts GROUP BY payout_id').all() as { payout_id: number; n: number }[]
      ).map((r) => [r.payout_id, r.n]),
    );
    ro.close();
    for (const r of rows) expect([r[0], r[head?.indexOf('tries') ?? -1]]).toEqual([r[0], String(counts.get(Number(r[0])) ?? 0)]);
    expect(rows.some((r) => r[head?.indexOf('tries') ?? -1] === '1')).toBe(true);
    const story = await a.run('contract', '3');
    const tries = story.split('\n').filter((l) => / try \d+ on /.test(l)).length;
    const storyRows = tableRows(story.slice(story.indexOf('Payments'), story.indexOf('Timeline')));
    const triesCol = storyRows[0]?.indexOf('tries') ?? -1;
    expect(storyRows.slice(1).reduce((s, r) => s + Number(r[triesCol]), 0)).toBe(tries);
    expect(tries).toBeGreaterThan(0);
  });

  it('receipts: one-line summaries with names and grouped BTS; --full and --json carry the whole message', async () => {
    const a = auditor();
    const out = await a.run('receipts');
    const rows = tableRows(out);
    expect(rows[0]).toEqual(['id', 'nonce', 'time (UTC)', 'event', 'summary']);
    for (const l of out.split('\n')) expect(l.length).toBeLessThan(260);
    expect(out).toContain('dave sent 200 BTS memo "hello, "world"" → invalid');
    expect(out).toMatch(/alice sent 777 \(raw units of 1\.3\.121\)/);
    expect(out).not.toMatch(/1\.2\.\d+/); // names, not account ids
    const full = await a.run('receipts', '--full', '--user', 'dave');
    expect(full).toContain('"userId":"1.2.204"');
    const json = (await a.run('receipts', '--json', '--event', 'transfer_in', '--limit', '1')).trim();
    expect(JSON.parse(json)).toMatchObject({ msg: { event: 'transfer_in', userId: expect.stringMatching(/^1\.2\./) } });
  });

  it('filter values are validated: an unknown value is a usage error listing the valid values', async () => {
    const a = auditor();
    const usage = async (...args: string[]) => {
      try {
        await a.run(...args);
      } catch (err) {
        expect(err).toBeInstanceOf(BaseError);
        expect((err as BaseError).code).toBe('USAGE');
        return (err as Error).message;
      }
      throw new Error('no usage error');
    };
    expect(await usage('payouts', '--purpose', 'gift')).toContain(
      '--purpose must be one of contract_receipt, interest, principal, stop, refund, support_notice, bittrex_to_broker, broker_to_bittrex, not "gift".',
    );
    expect(await usage('payouts', '--state', 'done')).toContain(
      '--state must be one of pending, sending, unknown, submitted, paid, failed',
    );
    // the rails the config names and the rows carry (this desk only ever had broker and bittrex1), not a fixed list
    expect(await usage('payouts', '--rail', 'bittrex9')).toContain('--rail must be one of broker, bittrex1, not "bittrex9"');
    expect(await usage('receipts', '--event', 'transfer')).toMatch(/--event must be one of admin_expired, .*transfer_in.*, not "transfer"/);
  });

  it('report --at T is the state as of T, rebuilt from the rows and their processed times, though the state changed after T', async () => {
    const a = auditor();
    const at = T0 + MONTH + DAY; // after interest 1, before carol's stop and bob's maturity
    const then = JSON.parse(await a.run('report', '--json', '--at', String(at))) as {
      openContracts: { months: number; amountBts: number; contracts: number }[];
      liabilities: { month: string; principalSats: string; interestSats: string }[];
      interestPaid: { month: string; rows: number }[];
    };
    expect(then.openContracts.map((c) => [c.months, c.amountBts, c.contracts])).toEqual([
      [3, 50_000, 1],
      [6, 100_000, 1],
      [12, 25_000, 1],
    ]);
    const principal = then.liabilities.reduce((s, m) => s + BigInt(m.principalSats), 0n) / 100_000n;
    expect(principal).toBe(175_000n);
    // interest 1 of the three contracts was paid by then; nothing later
    expect(then.interestPaid.reduce((s, m) => s + m.rows, 0)).toBe(3);
    const now = JSON.parse(await a.run('report', '--json')) as typeof then;
    expect(now.openContracts.map((c) => [c.months, c.amountBts])).toEqual([[6, 100_000]]);
  });

  it('report --at T shows the loans per manager as of T, each from its block time, though loans were made after T', async () => {
    const a = auditor((l) => {
      l.block(T0 + 4 * MONTH, [{ from: 'boss', bts: 2_000, memo: '{"type":"loan_to_broker"}' }]);
    });
    const loansAt = async (t: number) =>
      (JSON.parse(await a.run('report', '--json', '--at', String(t))) as { loans: Array<{ manager: string; loans: number; sats: string }> })
        .loans;
    // buildYear's loan is in the block at T0 + 1 day; the second one at T0 + 4 months (both rows written long after).
    expect(await loansAt(T0 + DAY / 2)).toEqual([]);
    expect(await loansAt(T0 + 2 * DAY)).toEqual([{ manager: 'boss', loans: 1, sats: String(5_000n * 100_000n) }]);
    expect(await loansAt(T0 + 5 * MONTH)).toEqual([{ manager: 'boss', loans: 2, sats: String(7_000n * 100_000n) }]);
    // The text report says the same.
    const text = await a.run('report', '--at', String(T0 + 2 * DAY));
    expect(text).toMatch(/Loans per manager\n(.*\n){2}│ boss +│ 1 +│ 5,000 +│\n└/);
  });

  it('report: an unsupported deposit in its own asset (symbol and precision from get_assets), the raw id only in --json', async () => {
    // buildYear's alice sends 777 units of 1.3.121; on the chain simulator, as on mainnet, that is USD with precision 4.
    const chain = await startChainSimulator({ blockIntervalMs: 0 });
    try {
      const a = auditor(() => {}, { nodes: [chain.url], chainId: chain.chainId, listener: { callTimeoutMs: 2_000 } });
      const text = await a.run('report');
      const row = tableRows(text.slice(text.indexOf('Unsupported-asset deposits'))).find((r) => r.includes('alice'));
      expect(row?.[4]).toBe('0.0777 USD');
      expect(text.slice(text.indexOf('Unsupported-asset deposits'))).not.toContain('1.3.121');
      const json = JSON.parse(await a.run('report', '--json')) as { unsupportedDeposits: Array<{ amountSats: string; assetId: string }> };
      expect(json.unsupportedDeposits.map((d) => [d.amountSats, d.assetId])).toEqual([['777', '1.3.121']]);
    } finally {
      await chain.close();
    }
    // No node answers: the raw units and the id, said to be of unknown precision; the report is still written.
    const port = await freePort();
    const b = auditor(() => {}, { nodes: [`ws://127.0.0.1:${port}`], listener: { callTimeoutMs: 500 } });
    const offline = await b.run('report');
    const row = tableRows(offline.slice(offline.indexOf('Unsupported-asset deposits'))).find((r) => r.includes('alice'));
    expect(row?.[4]).toBe('777 of 1.3.121 (precision unknown)');
    expect(offline).toContain('Refunds of invalid transfers');
  });
});

/** A local port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
