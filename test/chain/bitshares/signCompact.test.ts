import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildSignedTransfer, generateKeyPair, recoverSigners } from '../../../src/chain/bitshares/index.js';

const CHAIN_ID = '4018d7844c78f6a6c41c6a552b898022310fc5dec06da467ee7905a8dad512c8';

describe('transfer signatures (native k·G, recovery id from R.y parity)', () => {
  it('recover to the signer through bitsharesjs for many keys and messages, always canonical and low-s', () => {
    const headers = new Set<number>();
    for (let i = 0; i < 120; i++) {
      const { wif, pub } = generateKeyPair(`signer-${i}`);
      const { signedTx } = buildSignedTransfer({
        chainId: CHAIN_ID,
        activeWif: wif,
        from: '1.2.100',
        to: '1.2.200',
        amount: BigInt(100_000 + i),
        fee: 45_000n,
        headBlockNumber: 1_000 + i,
        headBlockId: (1_000 + i).toString(16).padStart(8, '0') + createHash('sha256').update(String(i)).digest('hex').slice(0, 32),
        chainTimeSec: 1_700_000_000 + i,
      });
      expect(recoverSigners(signedTx, CHAIN_ID)).toEqual([pub]);
      const sig = Buffer.from(signedTx.signatures[0] ?? '', 'hex');
      expect(sig).toHaveLength(65);
      headers.add(sig[0] ?? 0);
      expect((sig[1] ?? 0) & 0x80).toBe(0);
      expect((sig[33] ?? 0) & 0x80).toBe(0);
      const s = BigInt(`0x${sig.subarray(33).toString('hex')}`);
      expect(s <= 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n).toBe(true);
    }
    // Both recovery ids occur: the parity logic is exercised both ways.
    expect([...headers].sort()).toEqual([31, 32]);
  });
  it('never repeats a signature for the same transaction (fresh k every time)', () => {
    const { wif } = generateKeyPair('repeat');
    const p = {
      chainId: CHAIN_ID,
      activeWif: wif,
      from: '1.2.1',
      to: '1.2.2',
      amount: 5n,
      fee: 1n,
      headBlockNumber: 7,
      headBlockId: `00000007${'ab'.repeat(16)}`,
      chainTimeSec: 1_700_000_000,
    };
    const a = buildSignedTransfer(p);
    const b = buildSignedTransfer(p);
    expect(a.txId).toBe(b.txId);
    expect(a.signedTx.signatures[0]).not.toBe(b.signedTx.signatures[0]);
  });
});
