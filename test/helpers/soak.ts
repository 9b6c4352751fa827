import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { computeEntitlements, type Entitlement } from '../../src/audit/replay/computeEntitlements.js';
import { decryptMemo } from '../../src/chain/bitshares/index.js';
import { parseConfig } from '../../src/config/index.js';
import { backupDatabase } from '../../src/db/backupDatabase.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { BTS_MAX_SUPPLY_SATS, btsToSats } from '../../src/domain/money.js';
import { generateSimAccounts, startBittrexSimulator } from '../../src/sim/bittrex/index.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { prng } from '../../src/utils/prng.js';
import { wait } from '../../src/utils/promise/index.js';
import { type DaemonChild, forkDaemon } from './daemonChild.js';
import { runAuditReplay } from './soakReplay.js';

export type SoakOptions = {
  dir: string;
  /** SIGKILLs over the simulated year. */
  kills: number;
  /** Wall time per simulated day (one block), ms. */
  blockMs: number;
  seed: number;
  /** Blocks (days) at which an older backup is restored in the database's place: [restore at, backup taken at]. */
  restores: Array<[number, number]>;
  /** Blocks during which the daemon is kept down (stops and due dates pass meanwhile). */
  downtime: Array<[number, number]>;
  log?: (line: string) => void;
};

export type SoakResult = {
  kills: number;
  restores: number;
  days: number;
  wallMs: number;
  entitlements: number;
  paid: number;
  missing: string[];
  extra: string[];
  receiptChainOk: boolean;
  adopted: number;
  /** Payments sent in the database a restore replaced of which the backup put in its place holds no attempt. */
  lostToRestore: number;
  alarms: Record<string, number>;
  viaBittrex: number;
  /** Per client, when counts differ: owed and received amounts. */
  detail: Record<string, { owed: string[]; received: string[] }>;
  /**
   * `stakebts audit replay` run at the end on the soak's database, config, keystore and simulators: from
   * processed_ops (the default) and from a block scan (memos decrypted with the keystore's memo key).
   */
  replay: Record<'processedOps' | 'blockScan', { code: number; out: string; ms: number }>;
};

const DAY = 86_400_000;
const sats = (bts: number) => btsToSats(bts);

/**
 * A simulated year of a desk under abuse, against both simulators: stakes of every term, stops (some sent while the
 * daemon is down across due dates), invalid requests, manager memos (top-ups, moves to the exchange, loans, a
 * prototype-key type, an absurd amount), the daemon SIGKILLed at random moments, kept down for weeks, and older
 * backups restored in its database's place. At the end, what every client received on the chain (from the broker
 * and from the exchange's hot wallet) is compared with what RULES.md says they are owed, computed independently of
 * the daemon (audit/replay/computeEntitlements.ts) from the transfers on chain alone.
 */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const cleanups: Array<() => unknown> = [];
  const log = o.log ?? (() => {});
  try {
    const chain = await startChainSimulator({ blockTimeMs: DAY, irreversibleLag: 2 });
    cleanups.push(() => chain.close());
    const broker = chain.createAccount('stakebts-broker');
    chain.createAccount('bittrex-deposit');
    chain.fund('stakebts-broker', sats(5_000_000));
    chain.fund('bittrex-deposit', sats(200_000_000));
    chain.createAccount('boss');
    chain.fund('boss', sats(1_000_000));
    const accounts = generateSimAccounts(2, { balanceSats: sats(50_000_000) });
    const bittrex = await startBittrexSimulator({
      accounts,
      rateLimitPerMinute: 0,
      completeAfterMs: 300,
      sendOnChain: ({ to, amountSats, memo }) => chain.clientTransfer({ from: 'bittrex-deposit', to, amountSats, memo }),
    });
    cleanups.push(() => bittrex.close());

    // The scenario: what is sent to the broker, and in which block.
    const random = prng(o.seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const scenario: Array<{ block: number; from: string; amountSats: bigint; memo?: string }> = [];
    const terms = ['three_months', 'six_months', 'twelve_months'] as const;
    for (let i = 0; i < 14; i++) {
      const name = `client-${i}`;
      chain.createAccount(name);
      chain.fund(name, sats(400_000));
      const at = 2 + Math.floor(random() * 200);
      scenario.push({
        block: at,
        from: name,
        amountSats: sats(pick([25_000, 50_000, 100_000])) + BigInt(Math.floor(random() * 90_000)),
        memo: pick(terms),
      });
      if (i % 3 === 0) scenario.push({ block: at + 1 + Math.floor(random() * 120), from: name, amountSats: sats(20), memo: 'stop' });
      if (i % 4 === 1) scenario.push({ block: at + 5, from: name, amountSats: sats(25_000), memo: pick(terms) });
    }
    // Stops sent while the daemon is down, after due dates and maturities passed.
    for (const [from, to] of o.downtime) {
      const name = `absent-${from}`;
      chain.createAccount(name);
      chain.fund(name, sats(100_000));
      scenario.push({ block: Math.max(2, from - 95), from: name, amountSats: sats(25_000), memo: 'three_months' });
      scenario.push({ block: Math.max(3, from - 40), from: name, amountSats: sats(25_000), memo: 'six_months' });
      scenario.push({ block: to - 2, from: name, amountSats: sats(11), memo: 'stop' });
    }
    chain.createAccount('confused');
    chain.fund('confused', sats(100_000));
    for (let b = 10; b < 340; b += 37) {
      scenario.push({
        block: b,
        from: 'confused',
        amountSats: sats(pick([61, 500, 777, 30_000])),
        memo: pick(['hello', '{"type":"two_years"}', 'stop', '']),
      });
    }
    for (const [b, memo] of [
      [30, '{"type":"loan_to_broker"}'],
      [70, '{"type":"bittrex_to_broker","amount":5000,"account":1}'],
      [110, '{"type":"broker_to_bittrex","amount":1000,"account":2}'],
      [150, '{"type":"constructor","amount":500,"account":1}'],
      [190, '{"type":"bittrex_to_broker","amount":"999999999999999","account":1}'],
      [230, '{"type":"broker_to_bittrex","amount":400,"account":1}'],
    ] as const) {
      scenario.push({ block: b, from: 'boss', amountSats: sats(500), memo });
    }
    scenario.push({ block: 60, from: 'client-1', amountSats: sats(700), memo: '{"type":"loan_to_broker"}' }); // a stranger's admin memo

    const dir = o.dir;
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
    let daemonUp = false;
    let refusedSends = 0;
    let heldSince = 0;
    let block = chain.headBlockNumber;
    const producer = setInterval(() => {
      // A chain holds still while a payment is being signed and sent (see the crash test), not while the desk is down.
      if (daemonUp && dueNow() > 0) {
        heldSince ||= Date.now();
        if (Date.now() - heldSince < 1_500) return;
      }
      heldSince = 0;
      for (const s of scenario.filter((x) => x.block === block)) {
        // A client short of funds at that moment (its refund not back yet on a loaded machine) sends nothing: the chain
        // refuses it, and the entitlements are computed from what the chain holds, so nothing is owed for it.
        chain
          .clientTransfer({ from: s.from, to: 'stakebts-broker', amountSats: s.amountSats, ...(s.memo ? { memo: s.memo } : {}) })
          .catch(() => {
            refusedSends++;
          });
      }
      block = chain.produceBlocks(1);
    }, o.blockMs);
    cleanups.push(() => clearInterval(producer));

    const configInput = {
      db: dbPath,
      nodes: [chain.url],
      chainId: chain.chainId,
      broker: 'stakebts-broker',
      managers: ['boss'],
      startBlock: 1,
      fundingAccounts: ['bittrex-deposit'],
      bittrex: { baseUrl: bittrex.url, accounts: accounts.map((a, i) => ({ index: i + 1, depositMemo: a.depositTag })), timeoutMs: 5_000 },
      // A day a block: an admin memo is days old when its block is irreversible; a month of grace lets most execute.
      terms: { adminMaxAgeMs: 30 * DAY },
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
    const config = parseConfig(configInput);
    const secrets = {
      brokerActiveWif: broker.activeWif,
      brokerMemoWif: broker.memoWif,
      exchangeKeys: accounts.map((a, i) => ({ account: i + 1, apiKey: a.apiKey, apiSecret: a.apiSecret })),
    };

    const backups = new Map<number, string>();
    const pendingBackups = [...new Set(o.restores.map(([, taken]) => taken))].sort((a, b) => a - b);
    const pendingRestores = [...o.restores].sort((a, b) => a[0] - b[0]);
    let kills = 0;
    let restores = 0;
    let lostToRestore = 0;
    let current: DaemonChild | null = null;
    // What a start costs in wall time here (measured, so the kills are spread to fit the year on any machine).
    let startMsTotal = 0;
    let starts = 0;
    const start = async () => {
      const t0 = Date.now();
      current = forkDaemon({ config: configInput, secrets, logFile: join(dir, 'daemon.log') });
      cleanups.push(() => current?.child.kill('SIGKILL'));
      await current.ready;
      daemonUp = true;
      startMsTotal += Date.now() - t0;
      starts++;
    };
    const kill = async () => {
      if (!current) return;
      daemonUp = false;
      current.child.kill('SIGKILL');
      await current.exited;
      current = null;
      kills++;
    };
    const inDowntime = () => o.downtime.some(([a, b]) => block >= a && block < b);
    await start();
    while (block < 365) {
      // Spread the kills left over the days left, less what each restart costs (the chain moves on meanwhile).
      const left = Math.max(1, o.kills - kills);
      const startCost = starts > 0 ? startMsTotal / starts : 900;
      const budget = Math.max(0, ((365 - block) * o.blockMs) / left - startCost);
      // Wait in slices: a backup or a restore falls due on its day, not at the end of a long wait.
      const pause = 50 + Math.floor(random() * budget * 2);
      const dueSoon = () =>
        (pendingBackups.length > 0 && block >= pendingBackups[0]!) || (pendingRestores.length > 0 && block >= pendingRestores[0]![0]);
      for (let waited = 0; waited < pause && !dueSoon(); waited += 50) await wait(Math.min(50, pause - waited));
      if (pendingBackups.length > 0 && block >= pendingBackups[0]!) {
        const taken = pendingBackups.shift()!;
        const copy = openDatabase(dbPath, { readonly: true });
        try {
          backups.set(taken, (await backupDatabase(copy, join(dir, `backup-${taken}-${block}.sqlite`))).file);
        } finally {
          copy.close();
        }
        log(`backup of day ${block} (for ${taken})`);
      }
      if (kills < o.kills) await kill();
      if (pendingRestores.length > 0 && block >= pendingRestores[0]![0]) {
        const [, taken] = pendingRestores.shift()!;
        const file = backups.get(taken);
        if (file) {
          await kill();
          // The payments the restore makes the database forget: each must be recognised on the chain, not paid again.
          lostToRestore += forgottenPayments(dbPath, file);
          for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
          copyFileSync(file, dbPath);
          restores++;
          log(`day ${block}: restored the backup of day ${taken}`);
        }
      }
      while (inDowntime()) await wait(o.blockMs);
      if (!current) await start();
    }
    // The last run: until every entitlement is paid, then a margin.
    if (!current) await start();
    const brokerId = broker.id;
    const entitlements = (until = chain.headTimeMs): Entitlement[] => {
      const incoming = chain.transfersTo('stakebts-broker').map((t) => {
        let memo: string | null | undefined = null;
        if (t.memo) {
          const r = decryptMemo(t.memo, broker.memoWif);
          memo = r.ok ? r.bytes.toString('utf8') : undefined;
        }
        return {
          block: t.blockNum,
          trx: t.trxInBlock,
          op: t.opInTrx,
          time: t.timeMs,
          from: t.fromName ?? t.from,
          amountSats: t.amountSats,
          assetId: t.assetId,
          memo,
        };
      });
      return computeEntitlements(
        incoming,
        config.terms,
        { managers: new Set(['boss']), fundingAccounts: new Set(['bittrex-deposit']), maxSupplySats: BTS_MAX_SUPPLY_SATS },
        until,
      );
    };
    const clients = () =>
      new Set(
        chain
          .transfersTo('stakebts-broker')
          .map((t) => t.fromName ?? t.from)
          .filter((n) => n !== 'boss' && n !== 'bittrex-deposit'),
      );
    const received = (name: string) =>
      chain
        .transfersTo(name)
        .filter((t) => t.from === brokerId || t.fromName === 'bittrex-deposit')
        .map((t) => t.amountSats);
    /** The independent comparison, client by client: every amount owed received once, nothing else received. */
    const compare = () => {
      const owed = entitlements();
      const missing: string[] = [];
      const extra: string[] = [];
      const detail: SoakResult['detail'] = {};
      let paid = 0;
      for (const name of new Set([...clients(), ...owed.map((e) => e.client)])) {
        const want = owed.filter((e) => e.client === name).map((e) => e.amountSats);
        const got = received(name);
        paid += got.length;
        const left = [...got];
        for (const w of want) {
          const i = left.indexOf(w);
          if (i >= 0) left.splice(i, 1);
          else missing.push(`${name}: ${w} sats`);
        }
        for (const g of left) extra.push(`${name}: ${g} sats`);
        if (want.length !== got.length) detail[name] = { owed: want.map(String), received: got.map(String) };
      }
      return { owed: owed.length, paid, missing, extra, detail };
    };
    // Until the year is over and, at one moment, everything owed so far is received (or two minutes pass: then the
    // check says what is missing). Then the chain stops short of the next due date, and gets a few blocks more, so
    // anything still on its way (a second payment would be) lands and is counted.
    for (let t = 0; t < 1_200 && (block < 380 || compare().missing.length > 0); t++) await wait(100);
    clearInterval(producer);
    const nextDue = entitlements(Number.POSITIVE_INFINITY).find((e) => e.due > chain.headTimeMs)?.due ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < 4 && chain.headTimeMs + DAY < nextDue; i++) {
      await bittrex.processPending();
      block = chain.produceBlocks(1);
      await wait(1_000);
    }
    daemonUp = false;
    if (current) {
      const c: DaemonChild = current;
      c.child.kill('SIGTERM');
      await c.exited;
    }
    clearInterval(producer);

    const { owed, paid, missing, extra, detail } = compare();
    const replay = await runAuditReplay({ dir, config: configInput, broker, accounts });
    const db = openDatabase(dbPath, { readonly: true });
    try {
      const events = (db.prepare('SELECT msg FROM receipts').all() as { msg: string }[]).map(
        (r) => JSON.parse(r.msg) as Record<string, unknown>,
      );
      const alarms: Record<string, number> = {};
      for (const e of events) if (e.event === 'alarm') alarms[String(e.kind)] = (alarms[String(e.kind)] ?? 0) + 1;
      return {
        kills,
        restores,
        days: block,
        wallMs: Date.now() - started,
        entitlements: owed,
        paid,
        missing,
        extra,
        receiptChainOk: verifyReceiptChain(db).ok,
        lostToRestore,
        adopted: events.filter((e) => (e.event === 'payout_paid' && e.adopted) || e.event === 'payout_attempt_adopted').length,
        alarms,
        detail,
        replay,
        viaBittrex: [...clients()].reduce((s, n) => s + chain.transfersTo(n).filter((t) => t.fromName === 'bittrex-deposit').length, 0),
      };
    } finally {
      db.close();
    }
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
  }
}

/**
 * The payments `live` says were sent of which `backup` (an earlier copy of it) holds no attempt: a restore makes the
 * database forget them entirely, so only the chain or the exchange can tell they were made (adoption). One the backup
 * has an attempt for is found again by the ordinary reconciliation of that attempt.
 */
function forgottenPayments(live: string, backup: string): number {
  const read = <T>(file: string, sql: string): T[] => {
    const db = openDatabase(file, { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  const known = new Set(read<{ id: number }>(backup, 'SELECT DISTINCT payout_id AS id FROM payout_attempts').map((r) => r.id));
  return read<{ id: number }>(live, "SELECT id FROM payouts WHERE state IN ('paid', 'submitted')").filter((r) => !known.has(r.id)).length;
}
