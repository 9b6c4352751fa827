/**
 * Signs 10 000 messages (100 keys × 100 messages, run: `npx tsx bench/signatures.ts [keys] [perKey]`) with the
 * production signer and checks every signature twice, with implementations that share no code with @noble/curves:
 * OpenSSL (node:crypto verify against the known key) and bitsharesjs public-key recovery (bigi/ecurve, ~30-100 ms
 * each, which is why the unit test recovers only a sample). Prints counts and per-signature medians; exits 1 on any
 * failure.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Signature } from 'bitsharesjs';
import { ensureBtsPrefix, generateKeyPair } from '../src/chain/bitshares/index.js';
import { isCanonicalSignature } from '../src/chain/bitshares/isCanonicalSignature.js';
import { keyMaterial } from '../src/chain/bitshares/keys.js';
import { signCompact } from '../src/chain/bitshares/signCompact.js';

const KEYS = Number(process.argv[2] ?? 100);
const PER_KEY = Number(process.argv[3] ?? 100);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

ensureBtsPrefix();
const times = { sign: [] as number[], openssl: [] as number[], bitsharesjs: [] as number[] };
let ok = 0;
const failures: string[] = [];
const started = Date.now();
for (let k = 0; k < KEYS; k++) {
  const { wif, pub } = generateKeyPair(`bench-signatures-${k}`);
  const key = keyMaterial(wif);
  const p = secp256k1.Point.fromBytes(key.pub33);
  const b64 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');
  const openssl = createPublicKey({ key: { kty: 'EC', crv: 'secp256k1', x: b64(p.x), y: b64(p.y) }, format: 'jwk' });
  for (let m = 0; m < PER_KEY; m++) {
    const message = Buffer.from(`bench:${k}:${m}:${'x'.repeat(m % 64)}`);
    const digest = sha256(message);
    let t = process.hrtime.bigint();
    const sig = signCompact(message, digest, key);
    times.sign.push(ms(t));
    t = process.hrtime.bigint();
    const byOpenssl = verify('sha256', message, { key: openssl, dsaEncoding: 'ieee-p1363' }, sig.subarray(1));
    times.openssl.push(ms(t));
    t = process.hrtime.bigint();
    const byBitsharesjs = Signature.fromBuffer(sig).recoverPublicKey(digest).toPublicKeyString('BTS') === pub;
    times.bitsharesjs.push(ms(t));
    if (byOpenssl && byBitsharesjs && isCanonicalSignature(sig)) ok++;
    else failures.push(`key ${k} message ${m}: openssl ${byOpenssl}, bitsharesjs ${byBitsharesjs}`);
  }
}
const total = KEYS * PER_KEY;
console.log(
  `node ${process.version}: ${ok} of ${total} signatures verified by OpenSSL AND recovered by bitsharesjs (${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
console.log(
  `median ms per signature: sign ${median(times.sign).toFixed(3)}, OpenSSL verify ${median(times.openssl).toFixed(3)}, bitsharesjs recovery ${median(times.bitsharesjs).toFixed(3)}`,
);
for (const f of failures.slice(0, 10)) console.log(`FAILED ${f}`);
if (failures.length > 0) process.exitCode = 1;
