import { describe, expect, it } from 'vitest';
import type { BuildSignedTransferParameters, SignedTransactionJson } from '../../../src/chain/bitshares/index.js';
import {
  buildSignedTransfer,
  buildTransferOp,
  decryptMemo,
  encryptMemo,
  generateKeyPair,
  packTransaction,
  publicKeyFromWif,
  recoverSigners,
  transactionDigest,
  transactionId,
} from '../../../src/chain/bitshares/index.js';
import { isError } from '../../../src/errors/BaseError.js';
import { GRAPHENE_DEFAULT_CHAIN_ID, loadVector, MAINNET_CHAIN_ID, TESTNET_CHAIN_ID } from './vectors.js';

type TxVector = {
  id: string;
  chain_id?: string;
  status?: string;
  signing_key_wif?: string;
  transaction: Record<string, unknown> & { signatures?: string[] };
  expected: Record<string, string | number>;
  derived?: Record<string, string>;
};
const txs = loadVector<{ vectors: TxVector[] }>('transfer-tx.json').vectors;
const byId = (id: string) => txs.find((v) => v.id === id) as TxVector;
const field = (v: TxVector, k: string) => (v.expected[k] ?? v.derived?.[k]) as string | undefined;

describe('transfer-tx.json vectors', () => {
  for (const v of txs.filter((x) => !x.status?.startsWith('INCONSISTENT'))) {
    const unsignedHex = field(v, 'unsigned_tx_hex');
    const signedHex = field(v, 'signed_tx_hex');
    const sigs = v.transaction.signatures;

    if (unsignedHex) {
      it(`${v.id}: packs to the unsigned hex`, () => {
        expect(packTransaction(v.transaction)?.toString('hex')).toBe(unsignedHex);
      });
    }
    if (signedHex) {
      it(`${v.id}: packed tx ‖ varint(n) ‖ signatures equals the signed hex`, () => {
        const packed = packTransaction(v.transaction)?.toString('hex') as string;
        // python-bitshares sample: the JSON has no signatures; the only signature is the last 65 bytes.
        const sigList = sigs ?? [signedHex.slice(-130)];
        expect(`${packed}${sigList.length.toString(16).padStart(2, '0')}${sigList.join('')}`).toBe(signedHex);
      });
    }
    if (v.expected.signed_tx_hex_zero_signatures) {
      it(`${v.id}: zero-signature form is the packed tx plus a 00 count`, () => {
        expect(`${packTransaction(v.transaction)?.toString('hex')}00`).toBe(v.expected.signed_tx_hex_zero_signatures);
      });
    }
    it(`${v.id}: transaction id`, () => {
      expect(transactionId(v.transaction)).toBe(field(v, 'tx_id'));
      expect(transactionId({ ...v.transaction, signatures: ['00'] })).toBe(field(v, 'tx_id'));
    });
  }

  for (const id of ['ledger-tx_transfer_usd_memo', 'ledger-tx_trade_and_transfer']) {
    it(`${id}: signature recovers the recorded key under mainnet, not under the testnet id`, () => {
      const v = byId(id);
      const want = field(v, 'signature_recovers_to_under_mainnet_chain_id');
      expect(recoverSigners(v.transaction, MAINNET_CHAIN_ID)).toEqual([want]);
      const wrong = recoverSigners(v.transaction, TESTNET_CHAIN_ID);
      expect(wrong).toHaveLength(1);
      expect(wrong[0]).not.toBe(want);
    });
  }

  it('python-bitshares sample: signed for the graphene default chain id, so mainnet recovery gives another key', () => {
    const v = byId('python-bitshares-test_transfer');
    const signed = { ...v.transaction, signatures: [(v.expected.signed_tx_hex as string).slice(-130)] };
    const signer = publicKeyFromWif(v.signing_key_wif as string);
    expect(recoverSigners(signed, GRAPHENE_DEFAULT_CHAIN_ID)).toEqual([signer]);
    expect(recoverSigners(signed, MAINNET_CHAIN_ID)).toEqual([v.derived?.signature_recovers_under_mainnet_chain_id]);
    expect(recoverSigners(signed, MAINNET_CHAIN_ID)).not.toContain(signer);
  });

  it('dev.bitshares.works MISMATCH sample: only parsed (GPH memo keys), no throw, never the claimed id', () => {
    const v = byId('dev.bitshares.works-transfer2-example');
    const id = transactionId(v.transaction);
    expect(id === null || /^[0-9a-f]{40}$/.test(id)).toBe(true);
    expect(id).not.toBe(v.expected.tx_id_claimed_by_doc);
    expect(Array.isArray(recoverSigners(v.transaction, MAINNET_CHAIN_ID))).toBe(true);
  });
});

describe('buildSignedTransfer', () => {
  const sender = generateKeyPair('sender-active');
  const receiverMemo = generateKeyPair('receiver-memo');
  const head = { headBlockNumber: 33041174, headBlockId: '01f82b16db7ae25a4b9706b36c259438a9d4c8d1' };
  const base: BuildSignedTransferParameters = {
    chainId: MAINNET_CHAIN_ID,
    activeWif: sender.wif,
    from: '1.2.100',
    to: '1.2.200',
    amount: 2_500_000_000n,
    fee: 86_869n,
    ...head,
    chainTimeSec: Date.parse('2018-12-12T10:44:15Z') / 1000,
  };
  const built = buildSignedTransfer(base);

  it('signs with the given key: recoverSigners returns its pub, and the id matches transactionId', () => {
    expect(recoverSigners(built.signedTx, MAINNET_CHAIN_ID)).toEqual([sender.pub]);
    expect(transactionId(built.signedTx)).toBe(built.txId);
    expect(built.txId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('TaPoS and expiration follow the head block and chain time (default 120 s)', () => {
    expect(built.signedTx.ref_block_num).toBe(33041174 & 0xffff);
    expect(built.signedTx.ref_block_prefix).toBe(Buffer.from(head.headBlockId, 'hex').readUInt32LE(4));
    expect(built.expiration).toBe(base.chainTimeSec + 120);
    expect(built.signedTx.expiration).toBe('2018-12-12T10:46:15');
  });

  it('emits the node JSON: amounts as decimal strings, op type 0, one 65-byte signature', () => {
    expect(built.signedTx.operations).toEqual([
      [
        0,
        {
          fee: { amount: '86869', asset_id: '1.3.0' },
          from: '1.2.100',
          to: '1.2.200',
          amount: { amount: '2500000000', asset_id: '1.3.0' },
          extensions: [],
        },
      ],
    ]);
    expect(built.signedTx.extensions).toEqual([]);
    expect(built.signedTx.signatures).toHaveLength(1);
    expect(built.signedTx.signatures[0]).toMatch(/^[0-9a-f]{130}$/);
    expect(JSON.parse(JSON.stringify(built.signedTx))).toEqual(built.signedTx);
  });

  it('does not verify under another chain id, and a tampered amount no longer recovers the signer', () => {
    expect(recoverSigners(built.signedTx, TESTNET_CHAIN_ID)).not.toContain(sender.pub);
    const tampered = structuredClone(built.signedTx) as SignedTransactionJson;
    (tampered.operations[0] as [0, { amount: { amount: string } }])[1].amount.amount = '2500000001';
    expect(recoverSigners(tampered, MAINNET_CHAIN_ID)).not.toContain(sender.pub);
    expect(transactionId(tampered)).not.toBe(built.txId);
  });

  it('head block 65536 gives ref_block_num 0 (valid offline), expiry and amount beyond 2^53 kept exact', () => {
    const big = 9_007_199_254_740_993n; // 2^53 + 1
    const r = buildSignedTransfer({
      ...base,
      amount: big,
      headBlockNumber: 65536,
      headBlockId: `00010000${'ab'.repeat(16)}`,
      expiresInSec: 86_400,
    });
    expect(r.signedTx.ref_block_num).toBe(0);
    expect(r.signedTx.ref_block_prefix).toBe(0xabababab);
    expect(r.expiration).toBe(base.chainTimeSec + 86_400);
    expect(r.signedTx.operations[0]?.[1].amount.amount).toBe(big.toString());
    expect(recoverSigners(r.signedTx, MAINNET_CHAIN_ID)).toEqual([sender.pub]);
    expect(transactionId(r.signedTx)).toBe(r.txId);
  });

  it('carries an encrypted memo the receiver can read; nonce stays a string', () => {
    const memo = encryptMemo({ fromWif: sender.wif, toPub: receiverMemo.pub, text: 'interest 3/12', nonce: '16045690984833335023' });
    const r = buildSignedTransfer({ ...base, memo });
    const op = r.signedTx.operations[0]?.[1];
    expect(op?.memo).toEqual(memo);
    const read = decryptMemo(op?.memo as never, receiverMemo.wif);
    expect(read.ok && read.bytes.toString()).toBe('interest 3/12');
    expect(recoverSigners(r.signedTx, MAINNET_CHAIN_ID)).toEqual([sender.pub]);
    expect(r.txId).not.toBe(built.txId);
  });

  const rejects: [string, Partial<BuildSignedTransferParameters>, 'INVALID_AMOUNT' | 'TX_INVALID' | 'KEY_INVALID'][] = [
    ['zero amount', { amount: 0n }, 'INVALID_AMOUNT'],
    ['negative amount', { amount: -5n }, 'INVALID_AMOUNT'],
    ['amount above int64', { amount: 1n << 63n }, 'INVALID_AMOUNT'],
    ['number amount', { amount: 1.5 as never }, 'INVALID_AMOUNT'],
    ['string amount', { amount: '100' as never }, 'INVALID_AMOUNT'],
    ['negative fee', { fee: -1n }, 'INVALID_AMOUNT'],
    ['self transfer', { to: '1.2.100' }, 'TX_INVALID'],
    ['account name instead of id', { to: 'bob' }, 'TX_INVALID'],
    ['bad asset id', { assetId: '1.2.0' }, 'TX_INVALID'],
    ['bad chain id', { chainId: 'abc' }, 'TX_INVALID'],
    ['head id of another block', { headBlockNumber: 33041175 }, 'TX_INVALID'],
    ['head id not hex', { headBlockId: 'zz'.repeat(20) }, 'TX_INVALID'],
    ['expiry beyond 86400 s', { expiresInSec: 86_401 }, 'TX_INVALID'],
    ['fractional chain time', { chainTimeSec: 1.5 }, 'TX_INVALID'],
    ['memo with a GPH key', { memo: { from: `GPH${sender.pub.slice(3)}`, to: receiverMemo.pub, nonce: '1', message: '00' } }, 'TX_INVALID'],
    ['bad active key', { activeWif: 'nope' }, 'KEY_INVALID'],
  ];
  for (const [name, patch, code] of rejects) {
    it(`refuses ${name} with ${code}, naming no secret`, () => {
      try {
        buildSignedTransfer({ ...base, ...patch } as BuildSignedTransferParameters);
        expect.unreachable();
      } catch (e) {
        expect(isError(e, code)).toBe(true);
        expect(String((e as Error).message)).not.toContain(sender.wif);
      }
    });
  }

  it('buildTransferOp: fee defaults to 0 for get_required_fees', () => {
    expect(buildTransferOp({ from: '1.2.1', to: '1.2.2', amount: 1n })).toEqual({
      fee: { amount: '0', asset_id: '1.3.0' },
      from: '1.2.1',
      to: '1.2.2',
      amount: { amount: '1', asset_id: '1.3.0' },
      extensions: [],
    });
  });
});

describe('txId / signatures never throw on garbage', () => {
  const unknownOp = { ...byId('ledger-tx_transfer').transaction, operations: [[77, { fee: { amount: 1, asset_id: '1.3.0' } }]] };

  it('transactionId: null for ops 75-77 and garbage', () => {
    for (const bad of [unknownOp, null, undefined, 42, 'tx', {}, { operations: 'x' }, []]) {
      expect(transactionId(bad)).toBeNull();
    }
  });

  it('transactionDigest throws (it is not a boundary function) on a bad chain id or tx', () => {
    const tx = byId('ledger-tx_transfer').transaction;
    expect(transactionDigest(tx, MAINNET_CHAIN_ID)).toHaveLength(32);
    expect(() => transactionDigest(tx, 'xyz')).toThrow();
    expect(() => transactionDigest(unknownOp, MAINNET_CHAIN_ID)).toThrow();
  });

  it('recoverSigners: [] for garbage, bad hex, wrong length, unknown ops, non-canonical signatures', () => {
    const v = byId('ledger-tx_transfer_usd_memo').transaction;
    const sig = (v.signatures as string[])[0] as string;
    // Setting the top bit of r makes the signature non-canonical (the node refuses it).
    const nonCanonical = `${sig.slice(0, 2)}${(Number.parseInt(sig.slice(2, 4), 16) | 0x80).toString(16)}${sig.slice(4)}`;
    const cases: unknown[] = [
      null,
      undefined,
      'x',
      {},
      { ...v, signatures: [] },
      { ...v, signatures: 'ab' },
      { ...v, signatures: [sig.slice(2)] },
      { ...v, signatures: [`zz${sig.slice(2)}`] },
      { ...v, signatures: [`00${sig.slice(2)}`] },
      { ...v, signatures: [nonCanonical] },
      { ...v, signatures: [sig, 'bad'] },
      { ...unknownOp, signatures: [sig] },
    ];
    for (const c of cases) expect(recoverSigners(c, MAINNET_CHAIN_ID)).toEqual([]);
    expect(recoverSigners(v, 'not-a-chain-id')).toEqual([]);
    expect(recoverSigners(v, MAINNET_CHAIN_ID)).toHaveLength(1);
  });
});
