import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { btsToSats } from '../../src/domain/money.js';
import { generateSimAccounts, startBittrexSimulator } from '../../src/sim/bittrex/index.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { prng } from '../../src/utils/prng.js';
import { wait } from '../../src/utils/promise/index.js';
import { forkDaemon } from '../helpers/daemonChild.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const DAY = 86_400_000;
const sats = (bts: number) => btsToSats(bts);

describe('payout engine under SIGKILL (crash test)', () => {
  it('a simulated year of contracts with the daemon killed ≥ 30 times pays every due payment exactly once per the simulators', async () => {
    const chain = await startChainSimulator({ blockTimeMs: DAY, irreversibleLag: 2 });
    cleanups.push(() => chain.close());
    const broker = chain.createAccount('stakebts-broker');
    chain.createAccount('bittrex-deposit');
    chain.fund('stakebts-broker', sats(2_000_000));
    chain.fund('bittrex-deposit', sats(100_000_000));
    const accounts = generateSimAccounts(3, { balanceSats: sats(50_000_000) });
    const bittrex = await startBittrexSimulator({
      accounts,
      rateLimitPerMinute: 0,
      completeAfterMs: 300,
      sendOnChain: ({ to, amountSats, memo }) => chain.clientTransfer({ from: 'bittrex-deposit', to, amountSats, memo }),
    });
    cleanups.push(() => bittrex.close());

    // The scenario and, computed from the terms alone (not from the daemon), every payment it must cause.
    const terms: Array<[string, number, number]> = [
      ['three_months', 3, 25_000],
      ['six_months', 6, 50_000],
      ['twelve_months', 12, 25_000],
      ['three_months', 3, 100_000],
      ['six_months', 6, 25_000],
      ['twelve_months', 12, 50_000],
      ['three_months', 3, 25_000],
      ['six_months', 6, 100_000],
      ['twelve_months', 12, 25_000],
      ['three_months', 3, 50_000],
      ['six_months', 6, 25_000],
      ['twelve_months', 12, 25_000],
    ];
    const expected = new Map<string, bigint[]>();
    const stakes: Array<{ block: number; from: string; amountSats: bigint; memo: string }> = [];
    terms.forEach(([type, months, amount], i) => {
      const name = `client-${i}`;
      chain.createAccount(name);
      chain.fund(name, sats(amount + 1_000));
      stakes.push({ block: 2 + i, from: name, amountSats: sats(amount), memo: type });
      const interest = Math.floor((amount * 800) / 10_000);
      expected.set(name, [sats(1), ...Array.from({ length: months }, () => sats(interest)), sats(amount)]);
    });
    // A stop 5 days after the stake (before any interest): principal − 15 % + the 20 BTS sent with it.
    chain.createAccount('stopper');
    chain.fund('stopper', sats(60_000));
    stakes.push({ block: 3, from: 'stopper', amountSats: sats(50_000), memo: 'six_months' });
    stakes.push({ block: 8, from: 'stopper', amountSats: sats(20), memo: 'stop' });
    expected.set('stopper', [sats(1), sats(50_000 - 7_500 + 20)]);
    // Invalid requests: refunded amount − 50.
    chain.createAccount('confused');
    chain.fund('confused', sats(40_000));
    stakes.push({ block: 4, from: 'confused', amountSats: sats(777), memo: 'hello' });
    stakes.push({ block: 9, from: 'confused', amountSats: sats(30_000), memo: 'two_years' });
    expected.set('confused', [sats(727), sats(29_950)]);
    const totalExpected = [...expected.values()].reduce((s, v) => s + v.length, 0);

    const received = (name: string) =>
      chain
        .transfersTo(name)
        .filter((t) => t.fromName === 'stakebts-broker' || t.fromName === 'bittrex-deposit')
        .map((t) => t.amountSats);
    const receivedCount = () => [...expected.keys()].reduce((s, n) => s + received(n).length, 0);

    const scenarioErrors: string[] = [];
    const dir = tempDir();
    const dbPath = join(dir, 'db.sqlite');
    const sendingNow = (): number => {
      if (!existsSync(dbPath)) return 0;
      const db = openDatabase(dbPath, { readonly: true });
      try {
        return (db.prepare(`SELECT count(*) AS n FROM payouts WHERE state = 'sending'`).get() as { n: number }).n;
      } catch {
        return 0;
      } finally {
        db.close();
      }
    };
    const dueNow = (): number => {
      if (!existsSync(dbPath)) return 0;
      const db = openDatabase(dbPath, { readonly: true });
      try {
        return (
          db
            .prepare(`SELECT count(*) AS n FROM payouts WHERE state = 'sending' OR (state = 'pending' AND next_attempt_at <= ?)`)
            .get(Date.now()) as {
            n: number;
          }
        ).n;
      } catch {
        return 0;
      } finally {
        db.close();
      }
    };
    // Blocks: one simulated day every 100 ms; the stakes are sent in their blocks. A day per block is more than the
    // longest tx expiration a node accepts (86 400 s), so while payments are due or being sent (head read → signed →
    // broadcast) the chain holds still for up to 1.5 s, as a 3 s-block chain effectively does; beyond that it moves on
    // regardless, so a killed daemon's in-flight tx really does expire.
    let block = chain.headBlockNumber;
    let heldSince = 0;
    const producer = setInterval(() => {
      if (dueNow() > 0) {
        heldSince ||= Date.now();
        if (Date.now() - heldSince < 1_500) return;
      }
      heldSince = 0;
      for (const s of stakes.filter((x) => x.block === block)) {
        chain.clientTransfer({ from: s.from, to: 'stakebts-broker', amountSats: s.amountSats, memo: s.memo }).catch((err: unknown) => {
          scenarioErrors.push(String(err));
        });
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
    const inFlight = sendingNow;

    const random = prng(20_240_601);
    let kills = 0;
    let killsWhileSending = 0;
    for (let i = 0; i < 32; i++) {
      const d = forkDaemon({ config, secrets, logFile: join(dir, 'daemon.log') });
      cleanups.push(() => d.child.kill('SIGKILL'));
      await d.ready;
      if (i % 3 === 2) {
        // Aim: kill while a worker is sending (a payment in `sending`), if one shows up within 3 s.
        for (let t = 0; t < 150 && inFlight() === 0; t++) await wait(20);
      } else {
        await wait(100 + Math.floor(random() * 1_200));
      }
      const sending = inFlight();
      d.child.kill('SIGKILL');
      await d.exited;
      kills++;
      if (sending > 0) killsWhileSending++;
    }

    // Last run: until every expected payment is on the ledgers and the year is over, then a margin.
    const last = forkDaemon({ config, secrets, logFile: join(dir, 'daemon.log') });
    cleanups.push(() => last.child.kill('SIGKILL'));
    await last.ready;
    for (let t = 0; t < 1_200 && (receivedCount() < totalExpected || chain.headBlockNumber < 400); t++) await wait(100);
    await wait(2_000);
    last.child.kill('SIGTERM');
    await last.exited;
    clearInterval(producer);

    expect(scenarioErrors).toEqual([]);
    {
      const peek = openDatabase(dbPath, { readonly: true });
      const unpaid = peek
        .prepare(
          `SELECT p.id, p.purpose, p.recipient, p.state, p.last_error, p.attempts,
                  (SELECT group_concat(a.rail || ':' || a.state || ':' || coalesce(a.result, ''), ' | ') FROM payout_attempts a WHERE a.payout_id = p.id) AS tries
             FROM payouts p WHERE p.state <> 'paid'`,
        )
        .all();
      peek.close();
      expect(unpaid).toEqual([]);
    }
    expect(kills).toBeGreaterThanOrEqual(30);
    expect(killsWhileSending).toBeGreaterThanOrEqual(1);
    // Exactly once, per the simulators' ledgers.
    for (const [name, want] of expected) {
      const got = received(name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect({ name, got }).toEqual({ name, got: [...want].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) });
    }
    const withdrawals = [0, 1, 2].flatMap((i) => bittrex.ledger(i));
    expect(withdrawals.every((w) => w.status === 'COMPLETED')).toBe(true);
    expect(new Set(withdrawals.map((w) => w.clientWithdrawalId)).size).toBe(withdrawals.length);
    const viaBittrex = [...expected.keys()].reduce(
      (s, n) => s + chain.transfersTo(n).filter((t) => t.fromName === 'bittrex-deposit').length,
      0,
    );
    expect(withdrawals).toHaveLength(viaBittrex);
    expect(viaBittrex).toBeGreaterThan(0);

    const db = openDatabase(dbPath, { readonly: true });
    cleanups.push(() => db.close());
    expect(verifyReceiptChain(db).ok).toBe(true);
    const states = db.prepare('SELECT state, count(*) AS n FROM payouts GROUP BY state').all();
    expect(states).toEqual([{ state: 'paid', n: totalExpected }]);
    expect(db.prepare(`SELECT count(*) AS n FROM stakes WHERE status = 'pending'`).get()).toEqual({ n: 0 });
  }, 420_000);
});
