import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfigInput } from '../../src/config/index.js';
import { btsToSats } from '../../src/domain/money.js';
import { type BittrexSimulator, generateSimAccounts, startBittrexSimulator } from '../../src/sim/bittrex/index.js';
import { type ChainSimulator, type SimAccount, startChainSimulator } from '../../src/sim/chain/index.js';
import { writeKeystore } from '../../src/wallet/createKeystore.js';
import { wrapPayload } from '../../src/wallet/keystoreFormat.js';

export const BIN = resolve('bin/stakebts.js');
export const PASSWORD = 'correct horse battery';
const FAST_KDF = { N: 2 ** 14, r: 8, p: 1 } as const;

export type Desk = {
  dir: string;
  chain: ChainSimulator;
  bittrex: BittrexSimulator;
  broker: SimAccount;
  accounts: ReturnType<typeof generateSimAccounts>;
  config: ConfigInput;
  keystore: string;
  passwordFile: string;
  writeConfig(patch?: Partial<ConfigInput>): void;
  writeKeys(p?: { activeWif?: string; memoWif?: string; bittrexSecret?: string }): Promise<void>;
  close(): Promise<void>;
};

/**
 * Both simulators, a broker whose owner key is NOT its active key (as on a real desk), a keystore and a config file
 * in `dir` (the CLI's working folder), and a password file. Tests then run the real CLI (`bin/stakebts.js`).
 */
export async function startDesk(dir: string, { brokerBts = 100_000 }: { brokerBts?: number } = {}): Promise<Desk> {
  const chain = await startChainSimulator({ blockIntervalMs: 0, irreversibleLag: 0 });
  const broker = chain.createAccount('stakebts-broker'); // its owner key is its own (the simulator's default), as on a real desk
  chain.fund('stakebts-broker', btsToSats(brokerBts));
  chain.createAccount('bittrex-deposit');
  chain.createAccount('desk-manager');
  const accounts = generateSimAccounts(1, { balanceSats: btsToSats(10_000) });
  const bittrex = await startBittrexSimulator({ accounts, rateLimitPerMinute: 0 });
  const keystore = join(dir, 'stakebts.keystore.json');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  const config: ConfigInput = {
    db: join(dir, 'stakebts.sqlite'),
    nodes: [chain.url],
    chainId: chain.chainId,
    broker: 'stakebts-broker',
    managers: ['desk-manager'],
    fundingAccounts: ['bittrex-deposit'],
    keystore,
    bittrex: { baseUrl: bittrex.url, accounts: [{ index: 1, depositMemo: accounts[0]?.depositTag ?? 'x' }], timeoutMs: 5_000 },
    listener: { pollMs: 100, callTimeoutMs: 3_000 },
    payout: { cycleMs: 500 },
  };
  const desk: Desk = {
    dir,
    chain,
    bittrex,
    broker,
    accounts,
    config,
    keystore,
    passwordFile,
    writeConfig(patch = {}) {
      writeFileSync(join(dir, 'stakebts.config.json'), JSON.stringify({ ...config, ...patch }, null, 2));
    },
    async writeKeys(p = {}) {
      const a = accounts[0];
      if (!a) throw new Error('no sim account');
      await writeKeystore(
        keystore,
        wrapPayload({
          broker: { account: 'stakebts-broker', activeWif: p.activeWif ?? broker.activeWif, memoWif: p.memoWif ?? broker.memoWif },
          bittrex: [{ index: 1, apiKey: a.apiKey, apiSecret: p.bittrexSecret ?? a.apiSecret }],
        }),
        PASSWORD,
        { kdf: FAST_KDF, overwrite: true },
      );
    },
    async close() {
      await bittrex.close();
      await chain.close();
    },
  };
  desk.writeConfig();
  await desk.writeKeys();
  return desk;
}

export type CliRun = { code: number | null; out: string; err: string };

/**
 * Runs the real CLI asynchronously (the simulators live in this process and must keep answering).
 * @param until - resolve early (and SIGTERM the process) once stdout+stderr match
 */
export function runCli(
  args: string[],
  cwd: string,
  { until, timeoutMs = 60_000, env = {} }: { until?: RegExp; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let signalled = false;
    const check = () => {
      if (until && !signalled && until.test(out + err)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', (d) => {
      out += String(d);
      check();
    });
    child.stderr.on('data', (d) => {
      err += String(d);
      check();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, out, err });
    });
  });
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/PASS/i.test(k)) env[k] = v;
  return env;
}

/** One line of the form "stakebts: <sentence>" and no stack trace. */
export function oneSentence(err: string): string {
  const first = err.split('\n').find((l) => l.startsWith('stakebts: ')) ?? '';
  if (/\n\s+at /.test(err)) throw new Error(`stack trace in: ${err}`);
  return first;
}
