/**
 * Crypto cost figures for the chain adapter (run: `npx tsx bench/crypto.ts [N]`).
 * Prints the median ms per operation; nothing is asserted (speed is not a test).
 * Signing is @noble/curves (hedged RFC 6979, fc canonical loop, OpenSSL self-check); bitsharesjs rows are references.
 */
import { createHash } from 'node:crypto';
import { PrivateKey, Signature } from 'bitsharesjs';
import {
  buildSignedTransfer,
  decryptMemo,
  encryptMemo,
  generateKeyPair,
  publicKeyFromWif,
  recoverSigners,
} from '../src/chain/bitshares/index.js';
import { keyMaterial } from '../src/chain/bitshares/keys.js';
import { signCompact } from '../src/chain/bitshares/signCompact.js';

const N = Number(process.argv[2] ?? 15);
const CHAIN_ID = '4018d7844c78f6a6c41c6a552b898022310fc5dec06da467ee7905a8dad512c8';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function bench(name: string, fn: (i: number) => unknown): void {
  fn(-1); // warm-up (JIT, caches of long-lived keys)
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`${name.padEnd(48)} ${median(times).toFixed(3).padStart(10)} ms  (median of ${N})`);
}

const alice = generateKeyPair('bench-alice');
const bob = generateKeyPair('bench-bob');
const memo = encryptMemo({ fromWif: alice.wif, toPub: bob.pub, text: '{"type":"twelve_months"}' });
const transfer = (i: number) =>
  buildSignedTransfer({
    chainId: CHAIN_ID,
    activeWif: alice.wif,
    from: '1.2.100',
    to: '1.2.200',
    amount: BigInt(100_000 + i + 1),
    fee: 86_869n,
    memo,
    headBlockNumber: 33041174,
    headBlockId: '01f82b16db7ae25a4b9706b36c259438a9d4c8d1',
    chainTimeSec: 1_544_611_455,
  });
const signed = transfer(0).signedTx;

const aliceKey = keyMaterial(alice.wif);
const digestOf = (m: Buffer) => createHash('sha256').update(m).digest();
const messages = Array.from({ length: N + 1 }, (_, i) => Buffer.from(`${CHAIN_ID}:${i}:${'payload'.repeat(20)}`));

console.log(`chain adapter (@noble/curves signing, bitsharesjs serializer), node ${process.version}`);
bench('signCompact: one canonical signature (per signature)', (i) => {
  const m = messages[i + 1] as Buffer;
  signCompact(m, digestOf(m), aliceKey);
});
bench('bitsharesjs Signature.signBuffer (reference)', (i) =>
  Signature.signBuffer(messages[i + 1] as Buffer, PrivateKey.fromWif(alice.wif)),
);
bench('buildSignedTransfer (serialize + sign)', transfer);
bench('recoverSigners (1 signature)', () => recoverSigners(signed, CHAIN_ID));
bench('encryptMemo (cached key)', () => encryptMemo({ fromWif: alice.wif, toPub: bob.pub, text: 'interest 1/12' }));
bench('decryptMemo (cached key, success)', () => decryptMemo(memo, bob.wif));
bench('decryptMemo (wrong nonce: all fallbacks tried)', () => decryptMemo({ ...memo, nonce: '1' }, bob.wif));
bench('pub derivation, fresh WIF (node:crypto, uncached)', (i) => publicKeyFromWif(generateKeyPair(`fresh-${i}-${Math.random()}`).wif));
bench('pub derivation, cached WIF', () => publicKeyFromWif(alice.wif));
bench('pub derivation, bitsharesjs toPublicKey (reference)', (i) => PrivateKey.fromSeed(`ref-${i}`).toPublicKey().toPublicKeyString('BTS'));
