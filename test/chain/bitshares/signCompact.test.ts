import { createHash, createPublicKey, verify } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Signature } from 'bitsharesjs';
import { describe, expect, it } from 'vitest';
import { buildSignedTransfer, ensureBtsPrefix, generateKeyPair, recoverSigners } from '../../../src/chain/bitshares/index.js';
import { keyMaterial } from '../../../src/chain/bitshares/keys.js';
import { signCompact } from '../../../src/chain/bitshares/signCompact.js';
import { packTransaction } from '../../../src/chain/bitshares/txId.js';

const CHAIN_ID = '4018d7844c78f6a6c41c6a552b898022310fc5dec06da467ee7905a8dad512c8';
const HALF_N = secp256k1.Point.Fn.ORDER >> 1n;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/** The signer's key as node:crypto (OpenSSL) sees it: verification there shares no code with @noble/curves. */
function opensslKey(pub33: Buffer) {
  const p = secp256k1.Point.fromBytes(pub33);
  const b64 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');
  return createPublicKey({ key: { kty: 'EC', crv: 'secp256k1', x: b64(p.x), y: b64(p.y) }, format: 'jwk' });
}

function transfer(wif: string, i: number) {
  return buildSignedTransfer({
    chainId: CHAIN_ID,
    activeWif: wif,
    from: '1.2.100',
    to: '1.2.200',
    amount: BigInt(100_000 + i),
    fee: 45_000n,
    headBlockNumber: 1_000 + i,
    headBlockId:
      (1_000 + i).toString(16).padStart(8, '0') +
      sha256(Buffer.from(String(i)))
        .toString('hex')
        .slice(0, 32),
    chainTimeSec: 1_700_000_000 + i,
  });
}

describe('transfer signatures (@noble/curves, hedged RFC 6979, fc canonical loop)', () => {
  it('10 000 signatures (100 keys × 100 messages) all verify with OpenSSL, an independent implementation, and are canonical ' +
    'with header 31..34; a sample of 100 (every 100th) recovers to the signer through bitsharesjs (~30-100 ms each, so not all)', () => {
    ensureBtsPrefix();
    const headers = new Map<number, number>();
    let sampled = 0;
    for (let k = 0; k < 100; k++) {
      const { wif, pub } = generateKeyPair(`ten-thousand-${k}`);
      const key = keyMaterial(wif);
      const openssl = opensslKey(key.pub33);
      for (let m = 0; m < 100; m++) {
        const message = Buffer.from(`${CHAIN_ID}:${k}:${m}:${'x'.repeat(m)}`);
        const digest = sha256(message);
        const sig = signCompact(message, digest, key);
        const header = sig[0] ?? 0;
        headers.set(header, (headers.get(header) ?? 0) + 1);
        // Canonical (fc is_canonical) and low-S, every time.
        expect(sig).toHaveLength(65);
        expect((sig[1] ?? 0) & 0x80).toBe(0);
        expect((sig[1] ?? 0) === 0 && ((sig[2] ?? 0) & 0x80) === 0).toBe(false);
        expect((sig[33] ?? 0) === 0 && ((sig[34] ?? 0) & 0x80) === 0).toBe(false);
        expect(BigInt(`0x${sig.subarray(33).toString('hex')}`) <= HALF_N).toBe(true);
        if (!verify('sha256', message, { key: openssl, dsaEncoding: 'ieee-p1363' }, sig.subarray(1))) {
          throw new Error(`OpenSSL refuses signature ${k}/${m}`);
        }
        if ((k * 100 + m) % 100 === 37) {
          expect(Signature.fromBuffer(sig).recoverPublicKey(digest).toPublicKeyString('BTS')).toBe(pub);
          sampled++;
        }
      }
    }
    expect(sampled).toBe(100);
    expect([...headers.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    // Both parities of R.y occur (31, 32); 33/34 (r ≥ n) have odds of 2^-128.
    expect([...headers.keys()].sort()).toEqual([31, 32]);
  }, 300_000);

  it('signed transfers recover to the signer through recoverSigners and through bitsharesjs', () => {
    for (let i = 0; i < 20; i++) {
      const { wif, pub } = generateKeyPair(`signer-${i}`);
      const { signedTx } = transfer(wif, i);
      expect(recoverSigners(signedTx, CHAIN_ID)).toEqual([pub]);
      const sig = Buffer.from(signedTx.signatures[0] ?? '', 'hex');
      const message = Buffer.concat([Buffer.from(CHAIN_ID, 'hex'), packTransaction(signedTx) as Buffer]);
      expect(Signature.fromBuffer(sig).recoverPublicKey(sha256(message)).toPublicKeyString('BTS')).toBe(pub);
    }
  });

  it('never repeats a signature for the same transaction (hedged: fresh entropy every time)', () => {
    const { wif } = generateKeyPair('repeat');
    const a = transfer(wif, 7);
    const b = transfer(wif, 7);
    expect(a.txId).toBe(b.txId);
    expect(a.signedTx.signatures[0]).not.toBe(b.signedTx.signatures[0]);
  });

  it('recoverSigners reads the header as fc does: 27..34, recovery id (h − 27) & 3; anything else is no signature', () => {
    const { wif, pub } = generateKeyPair('headers');
    const { signedTx } = transfer(wif, 3);
    const sig = Buffer.from(signedTx.signatures[0] ?? '', 'hex');
    const withHeader = (h: number) => {
      const s = Buffer.from(sig);
      s[0] = h;
      return { ...signedTx, signatures: [s.toString('hex')] };
    };
    // 27..30 is the "uncompressed" flag of the same recovery id: the node recovers the same key.
    expect(recoverSigners(withHeader((sig[0] ?? 0) - 4), CHAIN_ID)).toEqual([pub]);
    for (const h of [0, 26, 35, 255]) expect(recoverSigners(withHeader(h), CHAIN_ID)).toEqual([]);
    // The other parity recovers some other key, never the signer.
    const flipped = recoverSigners(withHeader((((sig[0] ?? 0) - 31) ^ 1) + 31), CHAIN_ID);
    expect(flipped).toHaveLength(1);
    expect(flipped[0]).not.toBe(pub);
  });
});
