import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { generateKeyPair } from '../../chain/bitshares/index.js';
import { BaseError } from '../../errors/BaseError.js';
import { readPrivateFile } from '../../wallet/readPrivateFile.js';
import { SIM_ACCOUNTS } from './simAccounts.js';

export { SIM_ACCOUNTS, SIM_BROKER, SIM_CLIENTS, SIM_EXCHANGE_ACCOUNT, SIM_MANAGER } from './simAccounts.js';

/**
 * The files `stakebts sim up --dir D` keeps in D. Keys and credentials are made once and reused by every later run, so
 * a keystore, a config and a client's memo key stay valid; what one run started (URLs, chain id, database) is
 * rewritten each run.
 * - `sim-keys.json` (0600): every simulated account's owner, active and memo keys, the Bittrex API credentials;
 * - `sim-run.json` (0600): the chain and Bittrex URLs, chain id and database of the running simulators;
 * - `password` (0600), `stakebts.keystore.json` (0600), `stakebts.config.json`.
 */
export const SIM_FILES = {
  keys: 'sim-keys.json',
  run: 'sim-run.json',
  password: 'password',
  keystore: 'stakebts.keystore.json',
  config: 'stakebts.config.json',
} as const;

const wif = z.string().regex(/^5[1-9A-HJ-NP-Za-km-z]{50}$/, 'must be a WIF private key');
const accountKeysSchema = z.object({ ownerWif: wif, activeWif: wif, memoWif: wif }).strict();
const simKeysSchema = z
  .object({
    v: z.literal(1),
    note: z.string(),
    accounts: z.record(z.string().regex(/^[a-z][a-z0-9.-]{1,62}$/), accountKeysSchema),
    bittrex: z
      .array(
        z
          .object({
            apiKey: z.string().regex(/^[0-9a-f]{32}$/),
            apiSecret: z.string().regex(/^[0-9a-f]{32}$/),
            depositMemo: z.string().min(1).max(64),
          })
          .strict(),
      )
      .length(3),
  })
  .strict();
export type SimKeys = z.infer<typeof simKeysSchema>;
export type SimAccountKeys = z.infer<typeof accountKeysSchema>;

const simRunSchema = z
  .object({
    v: z.literal(1),
    chainUrl: z.string().min(1),
    bittrexUrl: z.string().min(1),
    chainId: z.string().regex(/^[0-9a-f]{64}$/),
    db: z.string().min(1),
    pid: z.number().int(),
    startedAt: z.string(),
  })
  .strict();
export type SimRun = z.infer<typeof simRunSchema>;

/** Fresh random keys for every account and fresh Bittrex credentials: distinct owner, active and memo keys each. */
export function newSimKeys(): SimKeys {
  const accounts: Record<string, SimAccountKeys> = {};
  for (const name of SIM_ACCOUNTS) {
    accounts[name] = { ownerWif: generateKeyPair().wif, activeWif: generateKeyPair().wif, memoWif: generateKeyPair().wif };
  }
  return {
    v: 1,
    note: 'stakebts sim up: simulator-only keys and credentials, made at random; worthless on any real chain or exchange',
    accounts,
    bittrex: [1, 2, 3].map((i) => ({
      apiKey: randomBytes(16).toString('hex'),
      apiSecret: randomBytes(16).toString('hex'),
      depositMemo: `${i}${randomBytes(6).toString('hex')}`,
    })),
  };
}

/** Writes a private file (0600) atomically: a temp file in the same folder, then renamed into place. */
export function writePrivateJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
}

/** Writes a private text file (0600) once; an existing one is kept. @returns whether it was written */
export function writePrivateOnce(path: string, text: string): boolean {
  if (existsSync(path)) return false;
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  return true;
}

/**
 * The keys of D, made and written (0600) on the first run, read back on every later one.
 * @throws BaseError('USAGE') when the file exists but is not a `sim up` keys file (refused, never overwritten)
 */
export async function loadOrCreateSimKeys(dir: string): Promise<{ keys: SimKeys; created: boolean }> {
  const path = join(dir, SIM_FILES.keys);
  if (!existsSync(path)) {
    const keys = newSimKeys();
    writePrivateJson(path, keys);
    return { keys, created: true };
  }
  return { keys: await readSimKeys(dir), created: false };
}

/** Reads D's keys file (it must be private, 0600, as it holds every simulated account's keys). */
export async function readSimKeys(dir: string): Promise<SimKeys> {
  const path = join(dir, SIM_FILES.keys);
  if (!existsSync(path)) {
    throw new BaseError('USAGE', `${dir} holds no simulator keys (${SIM_FILES.keys}); run \`stakebts sim up --dir ${dir}\` first.`);
  }
  const bytes = await readPrivateFile(path, {
    what: 'simulator keys file',
    notFoundCode: 'USAGE',
    insecureCode: 'USAGE',
    invalidCode: 'USAGE',
  });
  const parsed = simKeysSchema.safeParse(parseJson(bytes.toString('utf8')));
  bytes.fill(0);
  if (!parsed.success) throw new BaseError('USAGE', `${path} is not a simulator keys file written by \`stakebts sim up\`.`);
  return parsed.data;
}

/** Writes what this run started (0600: it is read by `sim send`). */
export function writeSimRun(dir: string, run: SimRun): void {
  writePrivateJson(join(dir, SIM_FILES.run), run);
}

/** What the running `sim up` started, for `sim send`. */
export function readSimRun(dir: string): SimRun {
  const path = join(dir, SIM_FILES.run);
  if (!existsSync(path))
    throw new BaseError('USAGE', `${dir} has no running simulator (${SIM_FILES.run}); start \`stakebts sim up --dir ${dir}\`.`);
  const parsed = simRunSchema.safeParse(parseJson(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new BaseError('USAGE', `${path} is not a run file written by \`stakebts sim up\`.`);
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
