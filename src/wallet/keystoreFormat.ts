import { z } from 'zod';
import { Secret } from './Secret.js';

/**
 * File format version written by this code. v2 (retired memo keys in the payload) reads v1 files as they are: a v1
 * payload has no retired memo keys. The version is part of the authenticated header (keystoreAad), so a file cannot
 * be relabelled.
 */
export const KEYSTORE_VERSION = 2;

/** Retired memo keys kept: enough for years of rotations, small enough that a damaged file cannot ask for thousands. */
export const MAX_RETIRED_MEMO_KEYS = 16;

/** scrypt parameters of a new keystore (ethers v6 / geth "standard" strength, ~0.5 s per derivation). */
export const DEFAULT_KDF = { N: 2 ** 17, r: 8, p: 1 } as const;

/**
 * The weakest scrypt parameters a keystore may have to be opened (Percival's "interactive" cost, 16 MiB and tens of
 * milliseconds a guess; N = 2^10, r = 1 was a few milliseconds a guess on one core). New keystores get
 * {@link DEFAULT_KDF}; `keys change-password` re-encrypts a weaker file with it.
 */
export const KDF_FLOOR = { N: 2 ** 14, r: 8 } as const;

/** True when the parameters meet {@link KDF_FLOOR}. */
export function meetsKdfFloor(kdf: KdfParams): boolean {
  return kdf.N >= KDF_FLOOR.N && kdf.r >= KDF_FLOOR.r;
}

/** scrypt memory ceiling: Node's default 32 MiB fails for N = 2^17, r = 8 ("memory limit exceeded"). */
export const SCRYPT_MAXMEM = 256 * 1024 * 1024;

const base64 = (bytes?: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
    .refine((s) => bytes === undefined || Buffer.from(s, 'base64').length === bytes, {
      message: bytes === undefined ? 'not base64' : `must decode to ${bytes} bytes`,
    });

const isPowerOfTwo = (n: number) => Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;

/**
 * scrypt parameters we accept. Bounds keep a damaged or hostile file from asking for gigabytes of
 * memory or hours of CPU: 128·N·r must stay within SCRYPT_MAXMEM.
 */
export const kdfParamsSchema = z
  .object({
    N: z.number().int().refine(isPowerOfTwo, 'N must be a power of two'),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
  })
  .refine((k) => k.N >= 2 ** 10 && 128 * k.N * k.r * k.p <= SCRYPT_MAXMEM / 2, {
    message: `scrypt parameters out of range (need N >= 2^10 and 128*N*r*p <= ${SCRYPT_MAXMEM / 2})`,
  });
export type KdfParams = z.infer<typeof kdfParamsSchema>;

/**
 * The keystore file: public header + AES-256-GCM ciphertext, all binary fields base64.
 * `check` is a 16-byte HKDF of the derived key: it tells "wrong password" apart from "file damaged"
 * (it lets nobody test passwords faster than the GCM tag already does: both need the scrypt key).
 */
export const keystoreFileSchema = z.object({
  v: z.union([z.literal(1), z.literal(2)]),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z.number(),
    r: z.number(),
    p: z.number(),
    salt: base64(32),
  }),
  cipher: z.literal('aes-256-gcm'),
  created: z.iso.datetime(),
  check: base64(16),
  iv: base64(12),
  tag: base64(16),
  ct: base64().refine((s) => s.length > 0, 'empty ciphertext'),
});
export type KeystoreFile = z.infer<typeof keystoreFileSchema>;

/** BitShares account name rules (graphene `is_valid_name`, simplified: lowercase, 3–63 chars). */
export const accountNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*[a-z0-9](\.[a-z][a-z0-9-]*[a-z0-9])*$/, 'not a valid BitShares account name')
  .min(3)
  .max(63);

const secretString = z.string().min(1).max(512).regex(/^\S+$/, 'must not contain spaces');

/** Bittrex account numbers: the rails are "Bittrex 1, 2, 3". */
export const bittrexIndexSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);

/**
 * The decrypted payload as stored inside the ciphertext (plain strings).
 * No owner key field on purpose: the owner key never enters the keystore.
 * `retiredMemoWifs` (v2): memo keys replaced by `keys rotate-memo`, newest first. A client's wallet encrypts to the
 * memo key it saw, which may be the old one for a while after the rotation; the listener still reads those memos.
 */
export const plainPayloadSchema = z
  .object({
    broker: z
      .object({
        account: accountNameSchema,
        activeWif: secretString,
        memoWif: secretString,
        retiredMemoWifs: z.array(secretString).max(MAX_RETIRED_MEMO_KEYS).optional(),
      })
      .strict(),
    bittrex: z.array(z.object({ index: bittrexIndexSchema, apiKey: secretString, apiSecret: secretString }).strict()).max(3),
  })
  .strict()
  .refine((p) => new Set(p.bittrex.map((b) => b.index)).size === p.bittrex.length, {
    message: 'Bittrex account numbers must be distinct',
    path: ['bittrex'],
  });
export type PlainPayload = z.infer<typeof plainPayloadSchema>;

/** The decrypted payload as the program holds it: every secret wrapped so it cannot be logged by accident. */
export type Payload = {
  broker: { account: string; activeWif: Secret; memoWif: Secret; retiredMemoWifs: Secret[] };
  bittrex: Array<{ index: 1 | 2 | 3; apiKey: Secret; apiSecret: Secret }>;
};

/**
 * The exchange API keys by account number, as every exchange rail takes them (`PayoutSecrets.exchangeKeys`), still
 * wrapped. The file keeps them under `bittrex`: its format predates rails as plugins and is not rewritten for a name.
 */
export function exchangeKeysOf(payload: Payload): Array<{ account: number; apiKey: Secret; apiSecret: Secret }> {
  return payload.bittrex.map((b) => ({ account: b.index, apiKey: b.apiKey, apiSecret: b.apiSecret }));
}

/** Wraps the secrets of a validated plain payload. */
export function wrapPayload(plain: PlainPayload): Payload {
  return {
    broker: {
      account: plain.broker.account,
      activeWif: new Secret(plain.broker.activeWif),
      memoWif: new Secret(plain.broker.memoWif),
      retiredMemoWifs: (plain.broker.retiredMemoWifs ?? []).map((w) => new Secret(w)),
    },
    bittrex: [...plain.bittrex]
      .sort((a, b) => a.index - b.index)
      .map((b) => ({ index: b.index, apiKey: new Secret(b.apiKey), apiSecret: new Secret(b.apiSecret) })),
  };
}

/** Reveals the secrets, for encryption only. The result must not outlive the call that encrypts it. */
export function unwrapPayload(payload: Payload): PlainPayload {
  return {
    broker: {
      account: payload.broker.account,
      activeWif: payload.broker.activeWif.reveal(),
      memoWif: payload.broker.memoWif.reveal(),
      retiredMemoWifs: payload.broker.retiredMemoWifs.map((w) => w.reveal()),
    },
    bittrex: payload.bittrex.map((b) => ({ index: b.index, apiKey: b.apiKey.reveal(), apiSecret: b.apiSecret.reveal() })),
  };
}

/**
 * Human summary of a zod failure that names fields, never values (zod messages may quote input).
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.code}`)
    .slice(0, 5)
    .join('; ');
}
