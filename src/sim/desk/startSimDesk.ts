import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { decryptMemo } from '../../chain/bitshares/index.js';
import type { ConfigInput } from '../../config/index.js';
import { btsToSats } from '../../domain/money.js';
import { BaseError } from '../../errors/BaseError.js';
import { silentLogger } from '../../log.js';
import { writeKeystore } from '../../wallet/createKeystore.js';
import { wrapPayload } from '../../wallet/keystoreFormat.js';
import { openKeystore } from '../../wallet/openKeystore.js';
import { readPasswordFile } from '../../wallet/readPasswordFile.js';
import { type BittrexSimulator, startBittrexSimulator } from '../bittrex/index.js';
import { type ChainSimulator, startChainSimulator } from '../chain/index.js';
import {
  loadOrCreateSimKeys,
  readSimRun,
  SIM_ACCOUNTS,
  SIM_BROKER,
  SIM_CLIENTS,
  SIM_EXCHANGE_ACCOUNT,
  SIM_FILES,
  SIM_MANAGER,
  type SimKeys,
  writePrivateOnce,
  writeSimRun,
} from './simDeskFiles.js';

export type SimDeskOptions = {
  /** The folder that keeps keys, credentials, keystore, password, config and databases across runs. */
  dir: string;
  /** Chain simulator port on 127.0.0.1. @default 8090 (0 picks a free one) */
  chainPort?: number;
  /** Bittrex simulator port on 127.0.0.1. @default 8091 (0 picks a free one) */
  bittrexPort?: number;
  /** A block this often; chain time advances by the same amount. @default 3000 (as mainnet) */
  blockIntervalMs?: number;
  /** A Bittrex withdrawal completes (and its transfer is sent on chain) this long after it was made. @default 2000 */
  completeAfterMs?: number;
  logger?: Logger;
};

export type SimDesk = {
  dir: string;
  chain: ChainSimulator;
  bittrex: BittrexSimulator;
  /** The keystore password (throwaway; also in D/password). */
  password: string;
  /** Whether this run made the keys (first run) or reused them. */
  keysCreated: boolean;
  files: { config: string; keystore: string; password: string; keys: string; run: string; db: string };
  config: ConfigInput;
  close(): Promise<void>;
};

/** What each simulated account holds at start, BTS (and USD for clients, to try a transfer in the wrong asset). */
const FUNDS: Record<string, number> = {
  [SIM_BROKER]: 50_000,
  [SIM_EXCHANGE_ACCOUNT]: 100_000_000,
  [SIM_MANAGER]: 1_000_000,
  ...Object.fromEntries(SIM_CLIENTS.map((c) => [c, 1_000_000])),
};
const CLIENT_USD_SATS = 1_000n * 10_000n; // 1 000 USD (precision 4)
const BITTREX_BALANCE_BTS = 1_000_000;

/**
 * `stakebts sim up`: the chain and the Bittrex simulators linked together, with a desk ready to start on them.
 *
 * 1. Keys and credentials: made at random on the first run (every account with distinct owner, active and memo keys)
 *    and written to D (0600); read back on every later run.
 * 2. The chain simulator, on a new chain id each run (its state lives in memory only: a run's desk database belongs
 *    to that run's chain, so the database is named after the chain id and an old daemon cannot mistake the new chain
 *    for its own), with the accounts made from those keys and funded.
 * 3. The Bittrex simulator with the stored credentials, linked both ways: a completed withdrawal is a transfer from the
 *    exchange's account on the chain (its memo the withdrawal's address tag, encrypted as a wallet does), and a
 *    transfer to that account with an account's deposit memo credits it once irreversible.
 * 4. A keystore (written once, with a throwaway password kept in D/password), the config (rewritten each run: it
 *    names this run's URLs, chain id and database) and the run file `sim send` reads.
 */
export async function startSimDesk(options: SimDeskOptions): Promise<SimDesk> {
  const dir = resolve(options.dir);
  const blockIntervalMs = options.blockIntervalMs ?? 3_000;
  const log = options.logger ?? silentLogger;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {
    config: join(dir, SIM_FILES.config),
    keystore: join(dir, SIM_FILES.keystore),
    password: join(dir, SIM_FILES.password),
    keys: join(dir, SIM_FILES.keys),
    run: join(dir, SIM_FILES.run),
    db: '',
  };

  refuseFolderInUse(dir);
  // 1. Keys, credentials, password: once.
  const { keys, created: keysCreated } = await loadOrCreateSimKeys(dir);
  writePrivateOnce(files.password, `${randomBytes(18).toString('base64url')}\n`);
  const password = await readPasswordFile(files.password);

  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    // 2. The chain.
    const chainId = createHash('sha256').update('stakebts sim up').update(randomBytes(16)).digest('hex');
    const chain = await startChainSimulator({
      port: options.chainPort ?? 8090,
      chainId,
      blockIntervalMs,
      blockTimeMs: blockIntervalMs,
      irreversibleLag: 2,
    }).catch((cause) => {
      throw new BaseError(
        'USAGE',
        `The chain simulator cannot listen on port ${options.chainPort ?? 8090} (${code(cause)}); choose another with --chain-port.`,
        { cause },
      );
    });
    cleanups.push(() => chain.close());
    for (const name of SIM_ACCOUNTS) {
      const k = keyOf(keys, name);
      chain.createAccount(name, { ownerWif: k.ownerWif, activeWif: k.activeWif, memoWif: k.memoWif });
      chain.fund(name, btsToSats(FUNDS[name] ?? 1));
    }
    for (const c of SIM_CLIENTS) chain.fund(c, CLIENT_USD_SATS, '1.3.121');

    // 3. The exchange, linked to the chain.
    const exchangeKeys = keyOf(keys, SIM_EXCHANGE_ACCOUNT);
    const bittrex = await startBittrexSimulator({
      port: options.bittrexPort ?? 8091,
      accounts: keys.bittrex.map((b) => ({
        apiKey: b.apiKey,
        apiSecret: b.apiSecret,
        depositTag: b.depositMemo,
        balanceSats: btsToSats(BITTREX_BALANCE_BTS),
      })),
      depositAccountName: SIM_EXCHANGE_ACCOUNT,
      completeAfterMs: options.completeAfterMs ?? 2_000,
      // The hot wallet pays out: a transfer signed by the exchange's account, the address tag as its memo.
      sendOnChain: ({ to, amountSats, memo }) => chain.clientTransfer({ from: SIM_EXCHANGE_ACCOUNT, to, amountSats, memo }),
      logger: log,
    }).catch((cause) => {
      throw new BaseError(
        'USAGE',
        `The Bittrex simulator cannot listen on port ${options.bittrexPort ?? 8091} (${code(cause)}); choose another with --bittrex-port.`,
        { cause },
      );
    });
    cleanups.push(() => bittrex.close());
    const stopDeposits = creditDeposits(chain, bittrex, exchangeKeys.memoWif, log);
    cleanups.push(async () => stopDeposits());

    // 4. Keystore (once), config (each run), run file.
    const broker = keyOf(keys, SIM_BROKER);
    if (!existsSync(files.keystore)) {
      await writeKeystore(
        files.keystore,
        wrapPayload({
          broker: { account: SIM_BROKER, activeWif: broker.activeWif, memoWif: broker.memoWif },
          bittrex: keys.bittrex.map((b, i) => ({ index: (i + 1) as 1 | 2 | 3, apiKey: b.apiKey, apiSecret: b.apiSecret })),
        }),
        password,
        // The floor, not the mainnet default: a throwaway keystore for a simulator, opened at every start.
        { kdf: { N: 2 ** 14, r: 8, p: 1 } },
      );
    } else {
      const payload = await openKeystore(files.keystore, password).catch((cause) => {
        throw new BaseError('USAGE', `${files.keystore} does not open with ${files.password}; move both aside to make new ones.`, {
          cause,
        });
      });
      if (payload.broker.activeWif.reveal() !== broker.activeWif || payload.broker.memoWif.reveal() !== broker.memoWif) {
        throw new BaseError(
          'USAGE',
          `${files.keystore} holds other broker keys than ${files.keys}; move the keystore aside to make a new one.`,
        );
      }
    }
    files.db = join(dir, `desk-${chainId.slice(0, 12)}.sqlite`);
    const config: ConfigInput = {
      db: files.db,
      keystore: files.keystore,
      chainId,
      nodes: [chain.url],
      broker: SIM_BROKER,
      managers: [SIM_MANAGER],
      fundingAccounts: [SIM_EXCHANGE_ACCOUNT],
      startBlock: 1,
      rails: [
        { kind: 'broker' },
        ...keys.bittrex.map((b, i) => ({
          kind: 'bittrex',
          account: i + 1,
          depositMemo: b.depositMemo,
          baseUrl: bittrex.url,
          depositAccount: SIM_EXCHANGE_ACCOUNT,
        })),
      ],
      // A desk on a simulator: short cycles so a stake, a stop or a refund shows within seconds.
      payout: { cycleMs: 1_000, retryBackoffMs: 2_000, maxBackoffMs: 30_000 },
      listener: { pollMs: Math.max(100, Math.min(blockIntervalMs, 1_000)) },
      supportContact: 'support@stakebts.example',
      logLevel: 'info',
    };
    writeFileSync(files.config, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    writeSimRun(dir, {
      v: 1,
      chainUrl: chain.url,
      bittrexUrl: bittrex.url,
      chainId,
      db: files.db,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    });
    return { dir, chain, bittrex, password, keysCreated, files, config, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A second `sim up` on a folder would rewrite the config and run file under a first one that still runs. */
function refuseFolderInUse(dir: string): void {
  let pid: number;
  try {
    pid = readSimRun(dir).pid;
  } catch {
    return; // no run file (first run) or an unreadable one, which this run replaces
  }
  if (pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return; // that run has ended
  }
  throw new BaseError('USAGE', `${dir} is in use by a running \`stakebts sim up\` (pid ${pid}); stop it first, or use another --dir.`);
}

function keyOf(keys: SimKeys, name: string) {
  const k = keys.accounts[name];
  if (!k) throw new BaseError('USAGE', `The simulator keys file has no keys for ${name}; move it aside to make new ones.`);
  return k;
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'error';
}

/**
 * The exchange's deposit side: each transfer to its chain account whose memo (decrypted with the exchange's memo key)
 * is an account's deposit memo credits that account once its block is irreversible, as the exchange credits deposits.
 * @returns a function that stops it
 */
function creditDeposits(chain: ChainSimulator, bittrex: BittrexSimulator, memoWif: string, log: Logger): () => void {
  let seen = 0;
  const timer = setInterval(() => {
    const incoming = chain.transfersTo(SIM_EXCHANGE_ACCOUNT);
    while (seen < incoming.length) {
      const t = incoming[seen];
      if (!t || t.blockNum > chain.lastIrreversibleBlockNumber) break;
      seen++;
      if (t.assetId !== '1.3.0' || !t.memo) continue;
      const memo = decryptMemo(t.memo, memoWif);
      const tag = memo.ok ? memo.bytes.toString('utf8').trim() : '';
      if (bittrex.credit(tag, t.amountSats, t.txId)) log.info({ tag, amountSats: String(t.amountSats), txId: t.txId }, 'deposit credited');
    }
  }, 250);
  timer.unref();
  return () => clearInterval(timer);
}
