import { createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { BaseError } from '../../errors/BaseError.js';
import { isCanonicalSignature } from './isCanonicalSignature.js';
import type { KeyMaterial } from './keys.js';

/** fc header byte: 27 + 4 (compressed key) + recovery id. */
const COMPACT_HEADER = 27 + 4;
/** Each try passes the canonical rule with probability ≈ 1/2 (low-S leaves only r's top bit to chance). */
const MAX_TRIES = 256;

/** node:crypto public key objects per signing key (building one costs about as much as a verification). */
const verifyKeys = new WeakMap<KeyMaterial, KeyObject>();

/**
 * Signs the sha256 `digest` of `message` with secp256k1 and returns the 65-byte compact signature
 * `27 + 4 + recid ‖ r ‖ s` nodes expect (fc `private_key::sign_compact`).
 *
 * The ECDSA itself is @noble/curves (audited; constant-time scalar work and a blinded inversion): RFC 6979 k hedged
 * with 32 fresh random bytes and the try number (`extraEntropy`), so neither a weak RNG nor a repeated random state (a
 * restored VM snapshot) repeats k across different digests, and each canonical retry gets a new k. Low-S.
 * This module only adds fc's canonical loop and a self-check: each signature is verified with node:crypto
 * (OpenSSL, an independent implementation) before it leaves, so a computation fault never goes on chain.
 * @param message - the signed bytes (chain id ‖ packed tx), for the independent verification
 * @param digest - sha256(message), 32 bytes
 * @param key - the signer's key material (secret scalar `d`)
 * @throws BaseError('TX_INVALID') if the self-check fails or no canonical signature comes out
 */
export function signCompact(message: Buffer, digest: Buffer, key: KeyMaterial): Buffer {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    // 32 random bytes plus the try number: even if the RNG repeats itself, each canonical retry gets a new k (fc
    // feeds a counter to its nonce function the same way), and k still differs per digest through RFC 6979.
    const entropy = Buffer.concat([randomBytes(32), Buffer.from([tries])]);
    const rec = secp256k1.sign(digest, key.d, { prehash: false, lowS: true, format: 'recovered', extraEntropy: entropy });
    const sig = Buffer.from(rec);
    sig[0] = COMPACT_HEADER + (rec[0] ?? 0);
    if (!isCanonicalSignature(sig)) continue;
    if (!verify('sha256', message, { key: verifyKeyOf(key), dsaEncoding: 'ieee-p1363' }, sig.subarray(1))) {
      throw new BaseError('TX_INVALID', 'Signature self-check failed');
    }
    return sig;
  }
  throw new BaseError('TX_INVALID', 'No canonical signature found');
}

function verifyKeyOf(key: KeyMaterial): KeyObject {
  let k = verifyKeys.get(key);
  if (!k) {
    const p = secp256k1.Point.fromBytes(key.pub33);
    const b64 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');
    k = createPublicKey({ key: { kty: 'EC', crv: 'secp256k1', x: b64(p.x), y: b64(p.y) }, format: 'jwk' });
    verifyKeys.set(key, k);
  }
  return k;
}
