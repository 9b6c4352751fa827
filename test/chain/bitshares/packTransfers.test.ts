import { describe, expect, it } from 'vitest';
import { encryptMemo, generateKeyPair, plainMemo } from '../../../src/chain/bitshares/index.js';
import { packTransfers } from '../../../src/chain/bitshares/packTransfers.js';
import { packBySerializer, packTransaction } from '../../../src/chain/bitshares/txId.js';
import { loadVector } from './vectors.js';

/** A small deterministic generator, so a failure names a reproducible case. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const keys = Array.from({ length: 4 }, (_, i) => generateKeyPair(`pack-${i}`));

function randomTransfer(r: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const amount = (): number | string => pick([0, 1, 127, 128, 16_383, 16_384, 2_500_000_000, '9223372036854775807', '86869']);
  const id = (space: string) => `${space}${pick([0, 1, 127, 128, 300, 16_384, 1_152_620, 2_097_152])}`;
  const op: Record<string, unknown> = {
    fee: { amount: amount(), asset_id: id('1.3.') },
    from: id('1.2.'),
    to: id('1.2.'),
    amount: { amount: amount(), asset_id: id('1.3.') },
    extensions: [],
  };
  const memoKind = pick(['none', 'encrypted', 'plain', 'number-nonce', 'upper-hex']);
  if (memoKind !== 'none') {
    const from = pick(keys);
    const to = pick(keys);
    const text = pick(['{"type":"six_months"}', '', 'x'.repeat(300), 'äöüß€']);
    const memo =
      memoKind === 'plain'
        ? plainMemo(text)
        : encryptMemo({ fromWif: from.wif, toPub: to.pub, text, nonce: String(Math.floor(r() * 2 ** 53)) });
    op.memo =
      memoKind === 'number-nonce'
        ? { ...memo, nonce: Math.floor(r() * 2 ** 40) }
        : memoKind === 'upper-hex'
          ? { ...memo, message: memo.message.toUpperCase() }
          : memo;
  }
  return op;
}

function randomTx(r: () => number) {
  const n = 1 + Math.floor(r() * 3);
  return {
    ref_block_num: Math.floor(r() * 65_536),
    ref_block_prefix: Math.floor(r() * 2 ** 32),
    expiration: new Date(Math.floor(r() * 2 ** 31) * 1000).toISOString().slice(0, 19),
    operations: Array.from({ length: n }, () => [0, randomTransfer(r)]),
    extensions: [],
    signatures: ['00'.repeat(65)],
  };
}

describe('packTransfers: plain transfers packed without bitsharesjs, byte for byte as bitsharesjs packs them', () => {
  it('500 generated transactions (1-3 transfers, memos encrypted, plain, numeric nonces, upper-case hex, varint edges)', () => {
    const r = rng(15);
    for (let i = 0; i < 500; i++) {
      const tx = randomTx(r);
      const fast = packTransfers(tx);
      expect(fast, `case ${i}`).toBeDefined();
      expect(fast?.toString('hex'), `case ${i}: ${JSON.stringify(tx)}`).toBe(packBySerializer(tx)?.toString('hex'));
    }
  });

  it('the vectors: every transfer-only one is packed here and equals the published bytes through packTransaction', () => {
    const vectors = loadVector<{ vectors: Array<{ id: string; transaction: { operations: Array<[number, unknown]> } }> }>(
      'transfer-tx.json',
    ).vectors;
    let packedHere = 0;
    for (const v of vectors) {
      const fast = packTransfers(v.transaction);
      if (fast) packedHere++;
      if (fast) expect(fast.toString('hex'), v.id).toBe(packBySerializer(v.transaction)?.toString('hex'));
      if (v.transaction.operations.some(([type]) => type !== 0)) expect(fast, v.id).toBeUndefined();
    }
    expect(packedHere).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['another operation', (tx: Record<string, unknown>) => ({ ...tx, operations: [[1, {}]] })],
    ['a transaction extension', (tx: Record<string, unknown>) => ({ ...tx, extensions: [[1, {}]] })],
    ['no operations', (tx: Record<string, unknown>) => ({ ...tx, operations: [] })],
    ['an expiration with a zone', (tx: Record<string, unknown>) => ({ ...tx, expiration: '2020-01-01T00:00:00Z' })],
    ['ref_block_num out of range', (tx: Record<string, unknown>) => ({ ...tx, ref_block_num: 65_536 })],
    ['a negative amount', (tx: Record<string, unknown>) => withOp(tx, { amount: { amount: -1, asset_id: '1.3.0' } })],
    ['an amount past int64', (tx: Record<string, unknown>) => withOp(tx, { amount: { amount: '9223372036854775808', asset_id: '1.3.0' } })],
    ['an unsafe number amount', (tx: Record<string, unknown>) => withOp(tx, { amount: { amount: 2 ** 60, asset_id: '1.3.0' } })],
    ['a GPH memo key', (tx: Record<string, unknown>) => withOp(tx, { memo: { ...memoOf(), from: `GPH${memoOf().from.slice(3)}` } })],
    [
      'a memo key with a bad checksum',
      (tx: Record<string, unknown>) => withOp(tx, { memo: { ...memoOf(), to: `${memoOf().to.slice(0, -2)}11` } }),
    ],
    ['an odd-length message', (tx: Record<string, unknown>) => withOp(tx, { memo: { ...memoOf(), message: 'abc' } })],
    ['a nonce past uint64', (tx: Record<string, unknown>) => withOp(tx, { memo: { ...memoOf(), nonce: '18446744073709551616' } })],
    ['an operation extension', (tx: Record<string, unknown>) => withOp(tx, { extensions: [[0, {}]] })],
    ['an account of another space', (tx: Record<string, unknown>) => withOp(tx, { to: '1.3.5' })],
    ['no extensions field', (tx: Record<string, unknown>) => withOp(tx, { extensions: undefined })],
  ])('leaves %s to bitsharesjs (and packTransaction then says what bitsharesjs says)', (_what, change) => {
    const tx = change(randomTx(rng(3)) as unknown as Record<string, unknown>);
    expect(packTransfers(tx)).toBeUndefined();
    expect(packTransaction(tx)?.toString('hex')).toBe(packBySerializer(tx)?.toString('hex'));
  });
});

const memoOf = () => encryptMemo({ fromWif: keys[0]!.wif, toPub: keys[1]!.pub, text: 'm', nonce: '5' });
const withOp = (tx: Record<string, unknown>, patch: Record<string, unknown>) => {
  const op = (tx.operations as Array<[number, Record<string, unknown>]>)[0]?.[1];
  return { ...tx, operations: [[0, { ...op, ...patch }]] };
};
