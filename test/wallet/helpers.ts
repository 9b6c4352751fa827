import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { generateKeyPair } from '../../src/chain/bitshares/keys.js';
import { type Payload, wrapPayload } from '../../src/wallet/keystoreFormat.js';

/** Small scrypt cost for tests (the default N = 2^17 is exercised by one test only). */
export const FAST_KDF = { N: 2 ** 14, r: 8, p: 1 } as const;

export type Planted = {
  payload: Payload;
  /** Every secret string in the payload; none may ever appear in output, errors or the file. */
  secrets: string[];
  activePub: string;
  memoPub: string;
};

/** A payload whose secrets are unique random strings, so a leak anywhere is detectable. */
export function plantedPayload(bittrexCount = 3): Planted {
  const tag = randomBytes(6).toString('hex');
  const active = generateKeyPair(`active-${tag}`);
  const memo = generateKeyPair(`memo-${tag}`);
  const bittrex = [1, 2, 3].slice(0, bittrexCount).map((index) => ({
    index: index as 1 | 2 | 3,
    apiKey: `KEY${index}${tag}planted${randomBytes(8).toString('hex')}`,
    apiSecret: `SECRET${index}${tag}planted${randomBytes(8).toString('hex')}`,
  }));
  const payload = wrapPayload({ broker: { account: 'stake-broker', activeWif: active.wif, memoWif: memo.wif }, bittrex });
  return {
    payload,
    secrets: [active.wif, memo.wif, ...bittrex.flatMap((b) => [b.apiKey, b.apiSecret])],
    activePub: active.pub,
    memoPub: memo.pub,
  };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stakebts-wallet-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Everything an error could show: message, stack, details, inspect output, along the cause chain. */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  while (e !== undefined && e !== null) {
    parts.push(inspect(e, { depth: 5 }));
    if (e instanceof Error) {
      parts.push(e.message, e.stack ?? '', JSON.stringify(e));
      e = e.cause;
    } else break;
  }
  return parts.join('\n');
}

/** Awaits a promise expected to reject and returns the rejection. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

export function expectNoSecrets(text: string, secrets: string[]): void {
  for (const s of secrets) {
    if (text.includes(s)) throw new Error(`secret leaked (${s.slice(0, 3)}…) into: ${text.slice(0, 200)}`);
  }
}
