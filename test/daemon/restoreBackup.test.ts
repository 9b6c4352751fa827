import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/db/backupDatabase.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { btsToSats } from '../../src/domain/money.js';
import { generateSimAccounts, startBittrexSimulator } from '../../src/sim/bittrex/index.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { wait } from '../../src/utils/promise/index.js';
import { forkDaemon } from '../helpers/daemonChild.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sats = (bts: number) => btsToSats(bts);
const bySize = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

describe('disaster recovery: a month-2 backup restored at month 6', () => {
  it('every payment made after the backup is recognised on chain and on the exchange, never made again; the year completes exactly once', async () => {
    const chain = await startChainSimulator({ blockTimeMs: 86_400_000, irreversibleLag: 2 });
    cleanups.push(() => chain.close());
    const broker = chain.createAccount('stakebts-broker');
    chain.createAccount('bittrex-deposit');
    chain.fund('stakebts-broker', sats(2_000_000));
    chain.fund('bittrex-deposit', sats(100_000_000));
    const accounts = generateSimAccounts(2, { balanceSats: sats(50_000_000) });
    const bittrex = await startBittrexSimulator({
      accounts,
      rateLimitPerMinute: 0,
      completeAfterMs: 300,
      sendOnChain: ({ to, amountSats, memo }) => chain.clientTransfer({ from: 'bittrex-deposit', to, amountSats, memo }),
    });
    cleanups.push(() => bittrex.close());

    // The scenario and, from the terms alone, every payment it causes.
    const scenario: Array<{ block: number; from: string; amountSats: bigint; memo: string }> = [];
    const expected = new Map<string, bigint[]>();
    const contracts: Array<[string, number, number]> = [
      ['three_months', 3, 25_000],
      ['six_months', 6, 50_000],
      ['twelve_months', 12, 25_000],
      ['six_months', 6, 25_000],
      ['three_months', 3, 100_000],
    ];
    contracts.forEach(([type, months, amount], i) => {
      const name = `client-${i}`;
      chain.createAccount(name);
      chain.fund(name, sats(amount + 1_000));
      scenario.push({ block: 2 + i, from: name, amountSats: sats(amount), memo: type });
      const interest = (amount * 800) / 10_000;
      expected.set(name, [sats(1), ...Array.from({ length: months }, () => sats(interest)), sats(amount)]);
    });
    // A contract opened after the backup and stopped before the restore (both only in the lost history).
    chain.createAccount('late-stopper');
    chain.fund('late-stopper', sats(60_000));
    scenario.push({ block: 75, from: 'late-stopper', amountSats: sats(50_000), memo: 'twelve_months' });
    scenario.push({ block: 140, from: 'late-stopper', amountSats: sats(20), memo: 'stop' });
    expected.set('late-stopper', [sats(1), sats(4_000), sats(4_000), sats(50_000 - 7_500 + 20)]);
    // Invalid requests before the backup, between backup and restore, and after the restore.
    chain.createAccount('confused');
    chain.fund('confused', sats(40_000));
    for (const block of [20, 100, 250]) scenario.push({ block, from: 'confused', amountSats: sats(777), memo: 'hello' });
    expected.set('confused', [sats(727), sats(727), sats(727)]);
    const total = [...expected.values()].reduce((s, v) => s + v.length, 0);
    const received = (name: string) =>
      chain
        .transfersTo(name)
        .filter((t) => t.fromName === 'stakebts-broker' || t.fromName === 'bittrex-deposit')
        .map((t) => t.amountSats);
    const receivedCount = () => [...expected.keys()].reduce((s, n) => s + received(n).length, 0);

    const dir = tempDir();
    const dbPath = join(dir, 'db.sqlite');
    const dueNow = (): number => {
      if (!existsSync(dbPath)) return 0;
      try {
        const db = openDatabase(dbPath, { readonly: true });
        try {
          return (
            db
              .prepare(`SELECT count(*) AS n FROM payouts WHERE state = 'sending' OR (state = 'pending' AND next_attempt_at <= ?)`)
              .get(Date.now()) as { n: number }
          ).n;
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    // One simulated day every 100 ms; the chain holds still up to 1.5 s while payments are due (see the crash test).
    let block = chain.headBlockNumber;
    let heldSince = 0;
    const producer = setInterval(() => {
      if (dueNow() > 0) {
        heldSince ||= Date.now();
        if (Date.now() - heldSince < 1_500) return;
      }
      heldSince = 0;
      for (const s of scenario.filter((x) => x.block === block)) {
        void chain.clientTransfer({ from: s.from, to: 'stakebts-broker', amountSats: s.amountSats, memo: s.memo });
      }
      block = chain.produceBlocks(1);
    }, 100);
    cleanups.push(() => clearInterval(producer));

    const config = {
      db: dbPath,
      nodes: [chain.url],
      chainId: chain.chainId,
      broker: 'stakebts-broker',
      startBlock: 1,
      fundingAccounts: ['bittrex-deposit'],
      bittrex: { baseUrl: bittrex.url, accounts: accounts.map((a, i) => ({ index: i + 1, depositMemo: a.depositTag })), timeoutMs: 5_000 },
      // Bittrex first: every payment above the exchange minimum goes there, the 1 BTS receipts over the broker.
      payout: {
        rails: ['bittrex1', 'broker', 'bittrex2'],
        timeoutMs: 10_000,
        concurrency: 4,
        cycleMs: 200,
        retryBackoffMs: 200,
        maxBackoffMs: 2_000,
      },
      listener: { window: 32, pollMs: 100, callTimeoutMs: 5_000 },
    };
    const secrets = {
      brokerActiveWif: broker.activeWif,
      brokerMemoWif: broker.memoWif,
      exchangeKeys: accounts.map((a, i) => ({ account: i + 1, apiKey: a.apiKey, apiSecret: a.apiSecret })),
    };
    const untilBlock = async (n: number) => {
      for (let t = 0; t < 3_000 && chain.headBlockNumber < n; t++) await wait(50);
    };

    // 1. Month 0 to 2, then an online backup while the daemon runs; on to month 6.
    const first = forkDaemon({ config, secrets, logFile: join(dir, 'daemon.log') });
    cleanups.push(() => first.child.kill('SIGKILL'));
    await first.ready;
    await untilBlock(62);
    const live = openDatabase(dbPath, { readonly: true });
    const backup = await backupDatabase(live, join(dir, 'month-2.sqlite'));
    live.close();
    await untilBlock(182);
    const paidBeforeLoss = receivedCount();
    // 2. The disk is lost: the daemon dies, the month-2 copy is put in the database's place.
    first.child.kill('SIGKILL');
    await first.exited;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
    copyFileSync(backup.file, dbPath);
    // 3. Restart on the restored copy and finish the year.
    const second = forkDaemon({ config, secrets, logFile: join(dir, 'daemon.log') });
    cleanups.push(() => second.child.kill('SIGKILL'));
    await second.ready;
    for (let t = 0; t < 1_500 && (receivedCount() < total || chain.headBlockNumber < 400); t++) await wait(100);
    await wait(2_000);
    second.child.kill('SIGTERM');
    await second.exited;
    clearInterval(producer);

    // The restore really had something to recognise: payments made between month 2 and 6, on both rails.
    expect(backup.cursorBlock).toBeLessThan(70);
    expect(paidBeforeLoss).toBeGreaterThan(10);
    // Exactly once, per the simulators' ledgers.
    for (const [name, want] of expected) {
      expect({ name, got: received(name).sort(bySize) }).toEqual({ name, got: [...want].sort(bySize) });
    }
    const withdrawals = [0, 1].flatMap((i) => bittrex.ledger(i));
    expect(new Set(withdrawals.map((w) => w.clientWithdrawalId)).size).toBe(withdrawals.length);
    expect(withdrawals.every((w) => w.status === 'COMPLETED')).toBe(true);

    const db = openDatabase(dbPath, { readonly: true });
    cleanups.push(() => db.close());
    expect(verifyReceiptChain(db).ok).toBe(true);
    expect(db.prepare('SELECT state, count(*) AS n FROM payouts GROUP BY state').all()).toEqual([{ state: 'paid', n: total }]);
    const events = (db.prepare(`SELECT msg FROM receipts`).all() as { msg: string }[]).map(
      (r) => JSON.parse(r.msg) as Record<string, unknown>,
    );
    expect(events.filter((e) => e.event === 'alarm' && e.kind === 'database_replaced')).toHaveLength(1);
    const adopted = events.filter((e) => (e.event === 'payout_paid' && e.adopted) || e.event === 'payout_attempt_adopted');
    expect(adopted.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.event === 'alarm' && e.kind !== 'database_replaced')).toEqual([]);
  }, 300_000);
});
