import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preflightChecks } from '../admin/preflightChecks.js';
import { secretsFromPayload } from '../admin/unlockSecrets.js';
import { generateKeyPair } from '../chain/bitshares/index.js';
import { type ConfigInput, parseConfig } from '../config/index.js';
import { revealForHandOver } from '../daemon/plainSecrets.js';
import { readCursor } from '../db/cursor.js';
import { openDatabase } from '../db/openDatabase.js';
import { openPayoutsForRecovery, paymentsAboutToSend } from '../db/payouts.js';
import { dueRowsUnpaid } from '../db/stakes.js';
import { btsToSats } from '../domain/money.js';
import { BaseError } from '../errors/BaseError.js';
import { generateSimAccounts, startBittrexSimulator } from '../sim/bittrex/index.js';
import { startChainSimulator } from '../sim/chain/index.js';
import { wait } from '../utils/promise/index.js';
import { writeKeystore } from '../wallet/createKeystore.js';
import { wrapPayload } from '../wallet/keystoreFormat.js';
import { openKeystore } from '../wallet/openKeystore.js';
import { DEMO_CLIENTS, DEMO_MANAGER, demoScenario } from './demoScenario.js';
import { type DemoLedgers, type DemoSummary, demoSummary } from './demoSummary.js';

export type RunDemoOptions = {
  /** Working folder (database, keystore, daemon.log, ledgers.json); kept afterwards. @default a new temp folder */
  dir?: string;
  /** Simulated months to run. @default 12 */
  months?: number;
  /** Real time per block (one block = one simulated day). @default 150 (a year in about a minute); 25 with `fast` */
  blockIntervalMs?: number;
  fast?: boolean;
  /** Daemon log level (its lines go to <dir>/daemon.log). @default 'info' */
  logLevel?: string;
  /** Keystore password. @default random */
  password?: string;
  /** Broker keys. @default generated */
  brokerKeys?: { activeWif: string; memoWif: string };
  /** API key/secret of Bittrex accounts 1..3. @default random */
  bittrexCredentials?: Array<{ apiKey: string; apiSecret: string }>;
  /** Narration, one line per event. */
  onLine?: (line: string) => void;
  /** Compiled daemon entry. @default dist/daemon/daemonProcess.js */
  daemonEntry?: string;
  /** Give up waiting for the payments to settle after this long (ms). @default 180_000 */
  settleTimeoutMs?: number;
};

export type DemoResult = { summary: DemoSummary; ledgers: DemoLedgers; dir: string; months: number; seconds: number; daemonStderr: string };

const DAY_MS = 86_400_000;
const BROKER = 'stakebts-broker';
const DEPOSIT = 'bittrex-deposit';

/** The daemon child entry, compiled (the demo forks it exactly as a service manager would run the daemon). */
export function defaultDaemonEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return fileURLToPath(new URL('../daemon/daemonProcess.js', import.meta.url));
  return fileURLToPath(new URL('../../dist/daemon/daemonProcess.js', import.meta.url));
}

/**
 * The whole system on the simulators: a chain simulator on a fast clock (one block = one day), a Bittrex simulator
 * whose withdrawals land on that chain, a throwaway keystore and database, the daemon as a child process (keys over
 * IPC), and scripted clients and a manager. Returns what happened, checked against the simulators' ledgers.
 *
 * 1. simulators and accounts; 2. keystore written and unlocked, start-up checks; 3. daemon forked; 4. the clock
 * runs and the script plays; 5. wait for every payment to settle; 6. stop the daemon; 7. summarise.
 * @example const { summary } = await runDemo({ months: 12 })
 */
export async function runDemo(options: RunDemoOptions = {}): Promise<DemoResult> {
  const months = options.months ?? 12;
  if (!Number.isInteger(months) || months < 1 || months > 36) throw new BaseError('USAGE', '--months must be a whole number from 1 to 36.');
  const tick = options.blockIntervalMs ?? (options.fast ? 25 : 150);
  const say = options.onLine ?? (() => {});
  const started = Date.now();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'stakebts-demo-'));
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(dir, 'stakebts.sqlite')))
    throw new BaseError('USAGE', `${dir} already holds a demo database; choose an empty --dir.`);
  const cleanups: Array<() => unknown> = [];
  let child: ChildProcess | undefined;
  let daemonStderr = '';
  try {
    // 1. Simulators. The chain makes blocks only when the demo says so (one per tick), so the script and the clock agree.
    const chain = await startChainSimulator({ blockIntervalMs: 0, blockTimeMs: DAY_MS, irreversibleLag: 2 });
    cleanups.push(() => chain.close());
    const keys = options.brokerKeys ?? { activeWif: generateKeyPair().wif, memoWif: generateKeyPair().wif };
    chain.createAccount(BROKER, keys); // with an owner key of its own, as a real desk keeps one offline
    chain.fund(BROKER, btsToSats(20_000));
    chain.createAccount(DEPOSIT);
    chain.fund(DEPOSIT, btsToSats(100_000_000));
    for (const name of [...DEMO_CLIENTS, DEMO_MANAGER]) {
      chain.createAccount(name);
      chain.fund(name, btsToSats(500_000));
    }
    chain.fund('gina', 10_000_0000n, '1.3.121');

    const accounts = generateSimAccounts(3, { balanceSats: btsToSats(200_000) });
    options.bittrexCredentials?.forEach((c, i) => {
      const a = accounts[i];
      if (a) Object.assign(a, { apiKey: c.apiKey, apiSecret: c.apiSecret });
    });
    const bittrex = await startBittrexSimulator({
      accounts,
      rateLimitPerMinute: 0,
      completeAfterMs: 50,
      depositAccountName: DEPOSIT,
      sendOnChain: ({ to, amountSats, memo }) => chain.clientTransfer({ from: DEPOSIT, to, amountSats, memo }),
    });
    cleanups.push(() => bittrex.close());
    say(`chain simulator ${chain.url} (1 block = 1 day every ${tick} ms), Bittrex simulator ${bittrex.url}`);

    // 2. Keystore: written and unlocked exactly as `keys add` and `start` do (lighter scrypt: a throwaway file).
    const keystore = join(dir, 'stakebts.keystore.json');
    const password = options.password ?? randomBytes(18).toString('base64url');
    await writeKeystore(
      keystore,
      wrapPayload({
        broker: { account: BROKER, activeWif: keys.activeWif, memoWif: keys.memoWif },
        bittrex: accounts.map((a, i) => ({ index: (i + 1) as 1 | 2 | 3, apiKey: a.apiKey, apiSecret: a.apiSecret })),
      }),
      password,
      { kdf: { N: 2 ** 14, r: 8, p: 1 } },
    );
    const configInput: ConfigInput = {
      db: join(dir, 'stakebts.sqlite'),
      nodes: [chain.url],
      chainId: chain.chainId,
      broker: BROKER,
      managers: [DEMO_MANAGER],
      fundingAccounts: [DEPOSIT],
      startBlock: 1,
      keystore,
      logLevel: (options.logLevel ?? 'info') as 'info',
      supportContact: 'support@stakebts.example',
      // One block is a whole day here: an admin memo is always at least two "days" old when the irreversible
      // head reaches it, so the freshness limit is widened for the demo (mainnet keeps the 1 hour default).
      terms: { adminMaxAgeMs: 30 * DAY_MS },
      bittrex: {
        baseUrl: bittrex.url,
        depositAccount: DEPOSIT,
        accounts: accounts.map((a, i) => ({ index: (i + 1) as 1 | 2 | 3, depositMemo: a.depositTag })),
        timeoutMs: 10_000,
      },
      payout: { timeoutMs: 30_000, concurrency: 4, cycleMs: 200, retryBackoffMs: 200, maxBackoffMs: 2_000 },
      listener: { window: 16, pollMs: 50, callTimeoutMs: 10_000 },
    };
    writeFileSync(join(dir, 'stakebts.config.json'), `${JSON.stringify(configInput, null, 2)}\n`);
    const config = parseConfig(configInput);
    const secrets = secretsFromPayload(await openKeystore(keystore, password), config);
    await preflightChecks(config, secrets);
    say('keystore unlocked; node, broker keys and the 3 Bittrex accounts checked');

    // 3. The daemon, as a child process: secrets over IPC, never argv or env.
    child = fork(options.daemonEntry ?? defaultDaemonEntry(), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: cleanEnv() });
    const proc = child;
    proc.stderr?.on('data', (d) => {
      daemonStderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    });
    await new Promise<void>((resolve, reject) => {
      proc.on('message', (m: { cmd?: string; message?: string }) => {
        if (m.cmd === 'ready') resolve();
        if (m.cmd === 'error') reject(new BaseError('AUTH_FAILED', `The demo daemon did not start: ${m.message ?? 'unknown error'}`));
      });
      void exited.then((code) =>
        reject(new BaseError('USAGE', `The demo daemon exited before it was ready (code ${code}). ${daemonStderr.slice(0, 300)}`)),
      );
      proc.send({
        cmd: 'start',
        config: configInput,
        secrets: revealForHandOver(secrets),
        logFile: join(dir, 'daemon.log'),
        logLevel: options.logLevel ?? 'info',
      });
    });
    say(`daemon running (pid ${proc.pid}); log in ${join(dir, 'daemon.log')}`);

    // 4. The clock and the script.
    const db = openDatabase(config.db, { readonly: true });
    cleanups.push(() => db.close());
    // A chain payment is signed against the head time and expires 2 minutes of CHAIN time later; with one block a
    // day, a block made between the payout loop reading the head and its broadcast would expire the transaction.
    // So the clock waits while a payment is about to be sent (the simulator answers from this process, so nothing
    // can read the head between this check and the block).
    const produceBlockWhenQuiet = async () => {
      const giveUp = Date.now() + 30_000;
      while (paymentsAboutToSend(db, Date.now()) > 0 && Date.now() < giveUp) await wait(10);
      chain.produceBlocks(1);
    };
    const script = demoScenario(months);
    const firstBlock = chain.headBlockNumber;
    const horizonDays = months * 30 + 5;
    for (let day = 1; day <= horizonDays; day++) {
      for (const a of script.filter((s) => s.day === day)) {
        await chain.clientTransfer({
          from: a.from,
          to: BROKER,
          amountSats: a.assetId ? 1_000_0000n : btsToSats(a.amountBts),
          ...(a.assetId ? { assetId: a.assetId } : {}),
          ...(a.memo ? { memo: a.memo } : {}),
        });
        say(`day ${String(day).padStart(3)}  ${a.from.padEnd(12)} ${a.what}`);
      }
      await produceBlockWhenQuiet();
      if (day % 30 === 0) say(`day ${String(day).padStart(3)}  month ${day / 30} done (block ${chain.headBlockNumber})`);
      await wait(tick);
    }

    // 5. Settle: keep the chain moving until the listener is at the irreversible head and no payment is open.
    const settleBy = Date.now() + (options.settleTimeoutMs ?? 180_000);
    let quiet = 0;
    while (quiet < 5) {
      if (Date.now() > settleBy)
        throw new BaseError('PAYOUT_UNCERTAIN', 'The demo payments did not settle in time; see daemon.log in the demo folder.');
      await produceBlockWhenQuiet();
      await wait(Math.max(tick, 50));
      const cursor = readCursor(db)?.blockNum ?? 0;
      const open = openPayoutsForRecovery(db).length;
      const dueUnpaid = dueRowsUnpaid(db, readCursor(db)?.blockTime ?? 0);
      quiet = cursor >= chain.lastIrreversibleBlockNumber - 1 && open === 0 && dueUnpaid === 0 ? quiet + 1 : 0;
    }
    say(`all payments settled (${chain.headBlockNumber - firstBlock} simulated days)`);

    // 6. Stop the daemon gracefully.
    proc.kill('SIGTERM');
    const stopWait = new AbortController();
    await Promise.race([exited, wait(30_000, stopWait.signal).catch(() => {})]);
    stopWait.abort();

    // 7. Summary against the simulators' ledgers.
    const ledgers: DemoLedgers = {
      brokerOut: chain
        .transfersFrom(BROKER)
        .filter((t) => t.assetId === '1.3.0')
        .map((t) => ({ txId: t.txId, to: t.toName ?? t.to, amountSats: t.amountSats.toString(), blockNum: t.blockNum })),
      bittrex: [1, 2, 3].map((account) => ({
        account,
        withdrawals: bittrex.ledger(account - 1).map((w) => ({
          id: w.id,
          clientWithdrawalId: w.clientWithdrawalId,
          status: w.status,
          quantitySats: w.quantity.toString(),
          txCostSats: w.txCost.toString(),
          to: w.cryptoAddress,
        })),
      })),
    };
    writeFileSync(join(dir, 'ledgers.json'), `${JSON.stringify(ledgers, null, 2)}\n`);
    const summary = demoSummary(db, ledgers);
    writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return { summary, ledgers, dir, months, seconds: (Date.now() - started) / 1000, daemonStderr };
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // Best effort: the simulators and the child must all be released even if one step fails.
      }
    }
  }
}

/** The child's environment without anything that looks like a password or key (it needs none: keys come over IPC). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/PASS|SECRET|KEY|TOKEN/i.test(k)));
}
