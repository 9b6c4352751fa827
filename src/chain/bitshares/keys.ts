import { createECDH, createHash, randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base58, createBase58check } from '@scure/base';
import { BaseError } from '../../errors/BaseError.js';

/** secp256k1 group order: a private scalar must lie in [1, N-1]. */
export const SECP256K1_N = secp256k1.Point.Fn.ORDER;

/** Prefixes seen in the wild and in vectors; the same curve point reads the same under each. */
const KNOWN_PREFIXES = ['BTS', 'GPH', 'CBA', 'TEST'] as const;

/** The all-zero public key, used on both sides of a plain (unencrypted) memo. */
export const NULL_PUBLIC_KEY = 'BTS1111111111111111111111111111111114T1Anm';

/** WIF version byte (graphene uses Bitcoin's 0x80, uncompressed form: no 0x01 suffix). */
const WIF_VERSION = 0x80;

/** Parsed private key material, cached per WIF. */
export type KeyMaterial = {
  /** 32-byte scalar: the signing key (@noble/curves) and node:crypto ECDH. */
  readonly d: Buffer;
  /** 33-byte compressed public key. */
  readonly pub33: Buffer;
  /** "BTS..." form. */
  readonly pub: string;
};

const MAX_CACHE = 10_000;
const keyCache = new Map<string, KeyMaterial>();
const pubCache = new Map<string, Buffer | 'null' | null>();

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();
const ripemd160 = (b: Uint8Array): Buffer => createHash('ripemd160').update(b).digest();

/** WIF = base58check(0x80 ‖ d) with the double-sha256 checksum (@scure/base applies sha256 twice). */
const wifCoder = createBase58check(sha256);

const scalarOf = (d: Uint8Array): bigint => BigInt(`0x${Buffer.from(d).toString('hex') || '0'}`);

/**
 * Decodes and checks a WIF (version 0x80, double-sha256 checksum, scalar in range). `null` when invalid; never
 * throws and never reaches code that logs its input.
 */
function decodeWif(wif: unknown): Buffer | null {
  if (typeof wif !== 'string' || wif.length < 40 || wif.length > 60) return null;
  let payload: Uint8Array;
  try {
    payload = wifCoder.decode(wif);
  } catch {
    return null; // bad character or checksum
  }
  if (payload.length !== 33 || payload[0] !== WIF_VERSION) return null;
  const d = Buffer.from(payload.subarray(1));
  const n = scalarOf(d);
  if (n === 0n || n >= SECP256K1_N) return null;
  return d;
}

/** Encodes a 32-byte scalar as a WIF. */
function encodeWif(d: Buffer): string {
  return wifCoder.encode(Buffer.concat([Buffer.from([WIF_VERSION]), d]));
}

/**
 * Encodes a compressed point as prefix + base58(point ‖ ripemd160(point)[0..4]) (graphene `public_key_type`,
 * bitsharesjs `toPublicKeyString`: a plain base58 with a ripemd160 checksum, not base58check).
 * @param prefix - address prefix @default 'BTS'
 */
export function encodePublicKey(pub33: Uint8Array, prefix = 'BTS'): string {
  const checksum = ripemd160(pub33).subarray(0, 4);
  return prefix + base58.encode(Buffer.concat([pub33, checksum]));
}

/**
 * Loads (and caches) the key material of a WIF. Throws BaseError('KEY_INVALID') (no key text) on an invalid WIF.
 * Internal to the adapter: callers outside use the string-based functions.
 */
export function keyMaterial(wif: string): KeyMaterial {
  const hit = keyCache.get(wif);
  if (hit) return hit;
  const d = decodeWif(wif);
  if (!d) throw new BaseError('KEY_INVALID', 'Invalid private key (WIF)');
  // node:crypto derives the point natively in well under a millisecond.
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(d);
  const pub33 = ecdh.getPublicKey(null, 'compressed');
  const material: KeyMaterial = { d, pub33, pub: encodePublicKey(pub33) };
  if (keyCache.size >= MAX_CACHE) keyCache.clear();
  keyCache.set(wif, material);
  return material;
}

/**
 * Parses a public key string under any known prefix (BTS, GPH, CBA, TEST).
 * @returns the compressed point (33 bytes), `'null'` for the null key, or `null` when invalid
 */
export function parsePublicKey(pub: unknown): Buffer | 'null' | null {
  if (typeof pub !== 'string' || pub.length > 80) return null;
  // Point decompression costs a square root; memo keys repeat (broker, known clients).
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
  const prefix = KNOWN_PREFIXES.find((p) => pub.startsWith(p));
  return prefix === undefined ? null : decodePublicKeyBody(pub.slice(prefix.length));
}

/**
 * The base58 body of a public key string: 33-byte point + 4-byte ripemd160 checksum. The point must be a real
 * compressed point ON the curve (@noble/curves `Point.fromBytes` checks it): bitsharesjs's ecurve accepts an x with
 * no curve point, and such a key must never become a memo or authority key here.
 */
function decodePublicKeyBody(body: string): Buffer | 'null' | null {
  let raw: Uint8Array;
  try {
    raw = base58.decode(body);
  } catch {
    return null;
  }
  if (raw.length !== 37) return null;
  const point = Buffer.from(raw.subarray(0, 33));
  if (!ripemd160(point).subarray(0, 4).equals(raw.subarray(33))) return null;
  if (point.every((b) => b === 0)) return 'null';
  if (point[0] !== 0x02 && point[0] !== 0x03) return null;
  try {
    secp256k1.Point.fromBytes(point).assertValidity();
  } catch {
    return null; // not on the curve
  }
  return point;
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
 * True when `pub` is a real (non-null, on-curve) public key with exactly the given prefix. Never throws.
 * The null key is reported by {@link isNullPublicKey}, not here: it is no usable key.
 * @param prefix - address prefix @default 'BTS'
 */
export function isValidPublicKey(pub: string, prefix = 'BTS'): boolean {
  if (typeof pub !== 'string' || pub.length > 80 || !pub.startsWith(prefix)) return false;
  return Buffer.isBuffer(decodePublicKeyBody(pub.slice(prefix.length)));
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
 * Creates a key pair. With a seed the pair is deterministic (private key = sha256(utf8 seed), as bitsharesjs
 * `PrivateKey.fromSeed`): simulators and tests use this. Without one it is random.
 * @param seed - optional seed string; keys from seeds are NOT secure for real funds
 * @throws BaseError('KEY_INVALID') in the (2^-128) case of a seed whose hash is no valid scalar
 */
export function generateKeyPair(seed?: string): { wif: string; pub: string } {
  let d: Buffer;
  if (seed !== undefined) {
    d = sha256(Buffer.from(seed, 'utf8'));
    const n = scalarOf(d);
    if (n === 0n || n >= SECP256K1_N) throw new BaseError('KEY_INVALID', 'This seed gives no valid private key');
  } else {
    do d = randomBytes(32);
    while (scalarOf(d) === 0n || scalarOf(d) >= SECP256K1_N);
  }
  const wif = encodeWif(d);
  return { wif, pub: publicKeyFromWif(wif) };
}
