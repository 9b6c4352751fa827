import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import { BaseError } from '../../errors/BaseError.js';
import { SECP256K1_N } from './keys.js';

const N = SECP256K1_N;
const HALF_N = N >> 1n;

const toBig = (b: Buffer) => BigInt(`0x${b.toString('hex')}`);
const to32 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const mod = (a: bigint) => ((a % N) + N) % N;

function invert(a: bigint): bigint {
  // Extended Euclid over the group order (prime): a^-1 mod N.
  let [r0, r1] = [mod(a), N];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

/** graphene `is_canonical`: r and s each a full 32 bytes with the top bit clear (what every node enforces). */
function isCanonical(r: Buffer, s: Buffer): boolean {
  const ok = (b: Buffer) => !((b[0] ?? 0) & 0x80) && !(b[0] === 0 && !((b[1] ?? 0) & 0x80));
  return ok(r) && ok(s);
}

/**
 * Signs `message` (hashed with sha256, as graphene does) with secp256k1 and returns the 65-byte compact signature
 * `27 + 4 + recid ‖ r ‖ s` nodes expect. R = k·G comes from node:crypto (native), so the recovery id is simply the
 * parity of R.y — no public-key recovery loop, which is where bitsharesjs spends ~65 ms a signature. k is fresh
 * randomness per try (never reused); s is made low, and each signature is verified with node:crypto before use.
 */
export function signCompact(message: Buffer, digest: Buffer, priv: Buffer): Buffer {
  const d = toBig(priv);
  const e = mod(toBig(digest));
  const own = createECDH('secp256k1');
  own.setPrivateKey(priv);
  const pub = own.getPublicKey();
  for (let tries = 0; tries < 1_000; tries++) {
    const kBytes = randomBytes(32);
    const k = toBig(kBytes);
    if (k === 0n || k >= N) continue;
    const ecdh = createECDH('secp256k1');
    ecdh.setPrivateKey(kBytes);
    const R = ecdh.getPublicKey(); // 04 ‖ x ‖ y
    const rx = toBig(R.subarray(1, 33));
    const r = mod(rx);
    if (r === 0n) continue;
    let s = mod(invert(k) * mod(e + r * d));
    if (s === 0n) continue;
    let recid = ((R[64] ?? 0) & 1) | (rx >= N ? 2 : 0);
    if (s > HALF_N) {
      s = N - s;
      recid ^= 1;
    }
    const rb = to32(r);
    const sb = to32(s);
    if (!isCanonical(rb, sb)) continue;
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'secp256k1', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33, 65).toString('base64url') },
      format: 'jwk',
    });
    if (!verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, Buffer.concat([rb, sb]))) {
      throw new BaseError('TX_INVALID', 'Signature self-check failed');
    }
    return Buffer.concat([Buffer.from([27 + 4 + recid]), rb, sb]);
  }
  throw new BaseError('TX_INVALID', 'No canonical signature found');
}
