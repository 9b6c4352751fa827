import { createECDH, createHash, randomBytes } from 'node:crypto';
import { PrivateKey, PublicKey } from 'bitsharesjs';
import { BaseError } from '../../errors/BaseError.js';
import { base58Decode, base58Encode } from './base58.js';
import { ensureBtsPrefix } from './init.js';

/** secp256k1 group order: a private scalar must lie in [1, N-1]. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Prefixes seen in the wild and in vectors; the same curve point reads the same under each. */
const KNOWN_PREFIXES = ['BTS', 'GPH', 'CBA', 'TEST'] as const;

/** The all-zero public key, used on both sides of a plain (unencrypted) memo. */
export const NULL_PUBLIC_KEY = 'BTS1111111111111111111111111111111114T1Anm';

/** Parsed private key material, cached per WIF (derivation through bitsharesjs costs ~20 ms). */
export type KeyMaterial = {
  /** bitsharesjs object, needed for signing. */
  readonly priv: PrivateKey;
  /** 32-byte scalar, for node:crypto ECDH. */
  readonly d: Buffer;
  /** 33-byte compressed public key. */
  readonly pub33: Buffer;
  /** "BTS..." form. */
  readonly pub: string;
};

const MAX_CACHE = 10_000;
const keyCache = new Map<string, KeyMaterial>();
const pubCache = new Map<string, Buffer | 'null' | null>();

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

/**
 * Decodes and checks a WIF (version 0x80, double-sha256 checksum, scalar in range) without
 * touching bitsharesjs, which logs a stack trace on wrong lengths. `null` when invalid.
 */
function decodeWif(wif: unknown): Buffer | null {
  if (typeof wif !== 'string' || wif.length < 40 || wif.length > 60) return null;
  const raw = base58Decode(wif);
  if (raw?.length !== 37 || raw[0] !== 0x80) return null;
  const body = raw.subarray(0, 33);
  if (!sha256(sha256(body)).subarray(0, 4).equals(raw.subarray(33))) return null;
  const d = raw.subarray(1, 33);
  const n = BigInt(`0x${d.toString('hex')}`);
  if (n === 0n || n >= SECP256K1_N) return null;
  return Buffer.from(d);
}

/** Encodes a compressed point as "BTS" + base58(point ‖ ripemd160(point)[0..4]). */
function encodePublicKey(pub33: Buffer, prefix = 'BTS'): string {
  const checksum = createHash('ripemd160').update(pub33).digest().subarray(0, 4);
  return prefix + base58Encode(Buffer.concat([pub33, checksum]));
}

/**
 * Loads (and caches) the key material of a WIF. Throws BaseError('KEY_INVALID') (no key text) on an invalid WIF.
 * Internal to the adapter: callers outside use the string-based functions.
 */
export function keyMaterial(wif: string): KeyMaterial {
  const hit = keyCache.get(wif);
  if (hit) return hit;
  ensureBtsPrefix();
  const d = decodeWif(wif);
  if (!d) throw new BaseError('KEY_INVALID', 'Invalid private key (WIF)');
  // node:crypto derives the point in well under a millisecond; bitsharesjs needs ~20 ms.
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(d);
  const pub33 = ecdh.getPublicKey(null, 'compressed');
  const material: KeyMaterial = { priv: PrivateKey.fromBuffer(d), d, pub33, pub: encodePublicKey(pub33) };
  if (keyCache.size >= MAX_CACHE) keyCache.clear();
  keyCache.set(wif, material);
  return material;
}

/**
 * Parses a public key string under any known prefix (BTS, GPH, CBA, TEST).
 * @returns the compressed point (33 bytes), `'null'` for the null key, or `null` when invalid.
 */
export function parsePublicKey(pub: unknown): Buffer | 'null' | null {
  if (typeof pub !== 'string' || pub.length > 80) return null;
  // Point decompression in bitsharesjs costs ~1.5 ms; memo keys repeat (broker, known clients).
  let parsed = pubCache.get(pub);
  if (parsed === undefined) {
    parsed = parsePublicKeyUncached(pub);
    if (pubCache.size >= MAX_CACHE) pubCache.clear();
    pubCache.set(pub, parsed);
  }
  // A copy, so no caller can corrupt the cached point.
  return Buffer.isBuffer(parsed) ? Buffer.from(parsed) : parsed;
}

function parsePublicKeyUncached(pub: string): Buffer | 'null' | null {
  ensureBtsPrefix();
  for (const prefix of KNOWN_PREFIXES) {
    if (!pub.startsWith(prefix)) continue;
    try {
      const key = PublicKey.fromPublicKeyString(pub, prefix);
      if (!key) continue;
      if (key.Q === null) return 'null';
      return key.toBuffer(true);
    } catch {
      // ecurve throws on bytes that are not a curve point: treat as invalid.
    }
  }
  return null;
}

/**
 * Derives the BTS public key of a WIF private key.
 * @param wif - private key in Wallet Import Format (secret: never logged)
 * @returns "BTS..." public key
 * @throws BaseError('KEY_INVALID') when the WIF does not decode
 * @example publicKeyFromWif('5KQwrPb...') // 'BTS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV'
 */
export function publicKeyFromWif(wif: string): string {
  return keyMaterial(wif).pub;
}

/** True when `wif` is a well-formed WIF (version, checksum, scalar in range). Never throws. */
export function isValidWif(wif: string): boolean {
  return decodeWif(wif) !== null;
}

/**
 * True when `pub` is a real (non-null) public key with exactly the given prefix. Never throws.
 * The null key is reported by {@link isNullPublicKey}, not here: it is no usable key.
 * @param prefix - address prefix @default 'BTS'
 */
export function isValidPublicKey(pub: string, prefix = 'BTS'): boolean {
  if (typeof pub !== 'string' || !pub.startsWith(prefix)) return false;
  ensureBtsPrefix();
  try {
    const key = PublicKey.fromPublicKeyString(pub, prefix);
    return key !== null && key.Q !== null;
  } catch {
    return false;
  }
}

/** True when `pub` is the null key (any known prefix): the marker of a plain memo. Never throws. */
export function isNullPublicKey(pub: string): boolean {
  return parsePublicKey(pub) === 'null';
}

/**
 * True when both strings denote the same curve point, whatever their prefixes
 * (GPH6MRy... and BTS6MRy... are the same key). Invalid input compares unequal. Never throws.
 */
export function samePublicKey(a: string, b: string): boolean {
  const pa = parsePublicKey(a);
  const pb = parsePublicKey(b);
  if (pa === null || pb === null) return false;
  if (pa === 'null' || pb === 'null') return pa === pb;
  return pa.equals(pb);
}

/** Re-encodes any known-prefix public key string with the BTS prefix; `null` when invalid. */
export function toBtsPublicKey(pub: string): string | null {
  const p = parsePublicKey(pub);
  if (p === null) return null;
  return p === 'null' ? NULL_PUBLIC_KEY : encodePublicKey(p);
}

/**
 * Creates a key pair. With a seed the pair is deterministic (private key = sha256(seed), as
 * `PrivateKey.fromSeed`): simulators and tests use this. Without one it is random.
 * @param seed - optional seed string; keys from seeds are NOT secure for real funds
 */
export function generateKeyPair(seed?: string): { wif: string; pub: string } {
  ensureBtsPrefix();
  let d: Buffer;
  if (seed !== undefined) {
    d = PrivateKey.fromSeed(seed).toBuffer();
  } else {
    do d = randomBytes(32);
    while (BigInt(`0x${d.toString('hex')}`) === 0n || BigInt(`0x${d.toString('hex')}`) >= SECP256K1_N);
  }
  const wif = PrivateKey.fromBuffer(d).toWif();
  return { wif, pub: publicKeyFromWif(wif) };
}
