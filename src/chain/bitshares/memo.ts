import { createCipheriv, createDecipheriv, createECDH, createHash, randomBytes } from 'node:crypto';
import { BaseError } from '../../errors/BaseError.js';
import { keyMaterial, NULL_PUBLIC_KEY, parsePublicKey, toBtsPublicKey } from './keys.js';

/** A memo exactly as it appears in a transfer operation's JSON (nonce as a decimal uint64 string). */
export type ChainMemo = { from: string; to: string; nonce: string; message: string };

/** A memo as read from a node: fc sends nonces ≤ 0xffffffff as numbers, bigger ones as strings. */
export type IncomingMemo = { from: string; to: string; nonce: string | number | bigint; message: string };

export type DecryptMemoResult =
  | { ok: true; bytes: Buffer; plain: boolean }
  | { ok: false; reason: 'not_for_us' | 'undecryptable' | 'malformed' };

const UINT64_MAX = (1n << 64n) - 1n;

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

/**
 * A memo nonce: 64 random bits, never 0. The nonce only has to differ between memos of one key pair (it salts the
 * AES key); bitsharesjs's `unique_nonce_uint64` uses the clock shifted by 8 bits, which also tells the time a memo
 * was written. Random is as unique (2^-32 collision odds after 2^16 memos) and tells nothing.
 */
function randomMemoNonce(): string {
  let n = 0n;
  while (n === 0n) n = randomBytes(8).readBigUInt64BE();
  return n.toString();
}

/**
 * Canonical decimal form of a uint64 nonce, or `null`. The C++ node hashes `to_string(nonce)`, so
 * leading zeros are dropped; a JS number above 2^53 has already lost precision and will simply
 * fail the checksum later (it cannot be repaired here).
 */
function normaliseNonce(nonce: unknown): string | null {
  let n: bigint;
  if (typeof nonce === 'string') {
    if (!/^[0-9]{1,20}$/.test(nonce)) return null;
    n = BigInt(nonce);
  } else if (typeof nonce === 'number') {
    if (!Number.isInteger(nonce) || nonce < 0) return null;
    n = BigInt(nonce);
  } else if (typeof nonce === 'bigint') {
    n = nonce;
  } else return null;
  return n >= 0n && n <= UINT64_MAX ? n.toString() : null;
}

/**
 * Raw ECDH x coordinate (32 bytes, zero-padded) between a WIF and a public key of any prefix:
 * the memo shared secret before sha512. Exported for vector tests only (not in the barrel).
 * @throws BaseError('KEY_INVALID') on a bad key
 */
export function memoSharedX(wif: string, pub: string): Buffer {
  const theirs = parsePublicKey(pub);
  if (theirs === null || theirs === 'null') throw new BaseError('KEY_INVALID', 'Invalid public key');
  return ecdhX(keyMaterial(wif), theirs);
}

/**
 * Shared secrets already computed, by our public key and theirs. A point multiplication costs ≈ 1.5 ms (OpenSSL's
 * generic curve code; @noble/curves is slower still for an arbitrary point), and a client's wallet sends every stake
 * from the same memo key, so a catch-up over many transfers multiplies once per client instead of once per memo.
 * The secret stays in this process's memory, like the memo key it comes from; bounded like the key caches.
 */
const sharedCache = new Map<string, Buffer>();
const MAX_SHARED = 4_096;

/** Raw ECDH x coordinate (32 bytes) of our scalar and their compressed point, via node:crypto. */
function ecdhX(ours: { d: Buffer; pub33: Buffer }, theirPub33: Buffer): Buffer {
  const key = `${ours.pub33.toString('hex')}${theirPub33.toString('hex')}`;
  const hit = sharedCache.get(key);
  if (hit) return Buffer.from(hit);
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(ours.d);
  const x = ecdh.computeSecret(theirPub33);
  if (sharedCache.size >= MAX_SHARED) sharedCache.clear();
  sharedCache.set(key, Buffer.from(x));
  return x;
}

/**
 * AES key/iv per bitshares-core memo_data: S = sha512(x); seed = sha512(decimal(nonce) ‖ hex(S));
 * key = seed[0..32], iv = seed[32..48]. Byte-identical to bitsharesjs `Aes.*_with_checksum`.
 */
function aesParams(x: Buffer, nonce: string): { key: Buffer; iv: Buffer } {
  const S = createHash('sha512').update(x).digest('hex');
  const seed = createHash('sha512')
    .update(nonce + S)
    .digest();
  return { key: seed.subarray(0, 32), iv: seed.subarray(32, 48) };
}

/**
 * Encrypts a memo from our key to their memo key.
 * @param p.fromWif - our memo private key (secret; never logged)
 * @param p.toPub - receiver's memo public key (any known prefix; emitted as BTS)
 * @param p.text - plaintext (UTF-8 string or raw bytes)
 * @param p.nonce - decimal uint64 @default a fresh random non-zero uint64 ({@link randomMemoNonce})
 * @returns the memo JSON for the transfer operation
 * @throws BaseError('KEY_INVALID') on a bad key, BaseError('TX_INVALID') on a bad nonce
 */
export function encryptMemo(p: { fromWif: string; toPub: string; text: string | Buffer; nonce?: string }): ChainMemo {
  const ours = keyMaterial(p.fromWif);
  const theirs = parsePublicKey(p.toPub);
  if (theirs === null || theirs === 'null') {
    throw new BaseError('KEY_INVALID', 'Memo receiver public key is invalid or the null key', {
      metaMessages: [`to: ${String(p.toPub).slice(0, 60)}`],
    });
  }
  const nonce = normaliseNonce(p.nonce ?? randomMemoNonce());
  if (nonce === null) throw new BaseError('TX_INVALID', 'Memo nonce must be a decimal uint64 string');
  const msg = typeof p.text === 'string' ? Buffer.from(p.text, 'utf8') : p.text;
  const { key, iv } = aesParams(ecdhX(ours, theirs), nonce);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const payload = Buffer.concat([sha256(msg).subarray(0, 4), msg]);
  const message = Buffer.concat([cipher.update(payload), cipher.final()]).toString('hex');
  return { from: ours.pub, to: toBtsPublicKey(p.toPub) as string, nonce, message };
}

/**
 * Builds an unencrypted memo, readable by anyone: null keys and `00000000 ‖ utf8(text)`,
 * as bitshares-core does for memos without keys.
 */
export function plainMemo(text: string): ChainMemo {
  const message = Buffer.concat([Buffer.alloc(4), Buffer.from(text, 'utf8')]).toString('hex');
  return { from: NULL_PUBLIC_KEY, to: NULL_PUBLIC_KEY, nonce: '0', message };
}

/** Tries one AES variant: with PKCS#7 padding, or (graphene legacy) without. Checksum-verified. */
function tryDecrypt(x: Buffer, nonce: string, ct: Buffer, padded: boolean): Buffer | null {
  try {
    const { key, iv } = aesParams(x, nonce);
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    decipher.setAutoPadding(padded);
    let out = Buffer.concat([decipher.update(ct), decipher.final()]);
    if (!padded) {
      // python-graphenelib: strip PKCS#7 padding only when it is well-formed, else keep all bytes.
      const n = out[out.length - 1] ?? 0;
      if (n >= 1 && n <= 16 && n <= out.length && out.subarray(out.length - n).every((b) => b === n)) {
        out = out.subarray(0, out.length - n);
      }
    }
    if (out.length < 4) return null;
    const body = out.subarray(4);
    return sha256(body).subarray(0, 4).equals(out.subarray(0, 4)) ? Buffer.from(body) : null;
  } catch {
    return null; // bad padding under a wrong key
  }
}

/**
 * Decrypts (or reads) a transfer memo with our memo key. Never throws, whatever the input.
 *
 * 1. Shape: keys must parse (any prefix), nonce must be a uint64, message even-length hex.
 * 2. Plain memo (`from` is the null key): strip the 4 zero bytes, `plain: true`.
 * 3. Pick the other side: `to` is ours → use `from` (incoming); `from` is ours → use `to`
 *    (our own outgoing memo; ECDH is symmetric); neither → `not_for_us`.
 * 4. Decrypt: standard; then without padding (old python wallets); then with the legacy
 *    unpadded shared secret when the ECDH x starts with a zero byte (old bitsharesjs wallets).
 *    Every variant is verified by the 4-byte sha256 checksum, so a wrong key or nonce gives
 *    `undecryptable`, not garbage text.
 * @param memo - memo JSON from the chain; `nonce` may be a number (fc sends small ones as numbers)
 * @param ourWif - our memo private key (secret; never logged). An invalid WIF matches no key.
 */
export function decryptMemo(memo: IncomingMemo, ourWif: string): DecryptMemoResult {
  try {
    return decryptUnsafe(memo, ourWif);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/**
 * Decrypts a memo with the broker's memo key, or one it had before a rotation. A client's wallet encrypts to the
 * memo key it looked up, which can be the old one for a while; the broker's own memos from before the rotation are
 * under the old key too. Each retired key is tried only when no key tried so far is a party to the memo (a memo a
 * key is party to but cannot open stays `undecryptable`). The listener and `audit replay` both read memos through
 * this, so they pick the same key.
 * @param retiredWifs - memo keys replaced by `keys rotate-memo`, newest first (secrets; never logged)
 */
export function decryptMemoWithKeys(memo: IncomingMemo, currentWif: string, retiredWifs: readonly string[] = []): DecryptMemoResult {
  let result = decryptMemo(memo, currentWif);
  for (const wif of retiredWifs) {
    if (result.ok || result.reason !== 'not_for_us') break;
    result = decryptMemo(memo, wif);
  }
  return result;
}

function decryptUnsafe(memo: IncomingMemo, ourWif: string): DecryptMemoResult {
  if (typeof memo !== 'object' || memo === null) return { ok: false, reason: 'malformed' };
  const from = parsePublicKey(memo.from);
  const to = parsePublicKey(memo.to);
  const nonce = normaliseNonce(memo.nonce);
  const hex = memo.message;
  if (from === null || to === null || nonce === null) return { ok: false, reason: 'malformed' };
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    return { ok: false, reason: 'malformed' };
  }
  const bytes = Buffer.from(hex, 'hex');

  if (from === 'null') {
    if (bytes.length < 4) return { ok: false, reason: 'malformed' };
    return { ok: true, bytes: Buffer.from(bytes.subarray(4)), plain: true };
  }

  let ours: { d: Buffer; pub33: Buffer };
  try {
    ours = keyMaterial(ourWif);
  } catch {
    return { ok: false, reason: 'not_for_us' };
  }
  let other: Buffer | 'null';
  if (to !== 'null' && to.equals(ours.pub33)) other = from;
  else if (from.equals(ours.pub33)) other = to;
  else return { ok: false, reason: 'not_for_us' };
  if (other === 'null') return { ok: false, reason: 'undecryptable' };

  if (bytes.length === 0 || bytes.length % 16 !== 0) return { ok: false, reason: 'malformed' };
  const x = ecdhX(ours, other);
  const candidates: Buffer[] = [x];
  // bitsharesjs `legacy`: sha512 of x without its leading zero bytes (differs only then).
  if (x[0] === 0) {
    let i = 0;
    while (i < x.length && x[i] === 0) i++;
    candidates.push(x.subarray(i));
  }
  for (const secret of candidates) {
    const out = tryDecrypt(secret, nonce, bytes, true) ?? tryDecrypt(secret, nonce, bytes, false);
    if (out) return { ok: true, bytes: out, plain: false };
  }
  return { ok: false, reason: 'undecryptable' };
}
