import { createHash } from 'node:crypto';
import { base58 } from '@scure/base';
import { PrivateKey, PublicKey } from 'bitsharesjs';
import { describe, expect, it } from 'vitest';
import {
  encryptMemo,
  ensureBtsPrefix,
  generateKeyPair,
  isNullPublicKey,
  isValidPublicKey,
  isValidWif,
  parseChainTimeSec,
  publicKeyFromWif,
  samePublicKey,
  toBtsPublicKey,
} from '../../../src/chain/bitshares/index.js';
import { packBySerializer } from '../../../src/chain/bitshares/txId.js';
import { isError } from '../../../src/errors/BaseError.js';
import { loadVector } from './vectors.js';

type KeyVector = {
  id: string;
  private_key_hex?: string;
  private_key_wif?: string;
  seed?: string;
  public_key: string;
  prefix: string;
  null_public_key?: string;
};
const keys = loadVector<{ vectors: KeyVector[] }>('keys.json').vectors;
const rePrefix = (pub: string, prefix: string) => `BTS${pub.slice(prefix.length)}`;

describe('keys.json vectors', () => {
  for (const v of keys) {
    it(`${v.id}: derives the published public key (re-prefixed to BTS)`, () => {
      let wif = v.private_key_wif;
      if (v.private_key_hex) {
        wif = PrivateKey.fromBuffer(Buffer.from(v.private_key_hex, 'hex')).toWif();
        expect(wif).toBe(v.private_key_wif);
      }
      if (v.seed !== undefined) wif = generateKeyPair(v.seed).wif;
      expect(wif).toBeTypeOf('string');
      const pub = publicKeyFromWif(wif as string);
      expect(pub.startsWith('BTS')).toBe(true);
      expect(samePublicKey(pub, v.public_key)).toBe(true);
      // Stripping the prefix is not enough in general, but base58 body is prefix-independent here.
      expect(pub).toBe(rePrefix(v.public_key, v.prefix));
      expect(toBtsPublicKey(v.public_key)).toBe(pub);
      expect(isValidWif(wif as string)).toBe(true);
      expect(isValidPublicKey(v.public_key, v.prefix)).toBe(true);
      expect(isValidPublicKey(v.public_key)).toBe(v.prefix === 'BTS');
    });
    if (v.null_public_key) {
      it(`${v.id}: the null key is recognised under its prefix and is no valid key`, () => {
        expect(isNullPublicKey(v.null_public_key as string)).toBe(true);
        expect(isValidPublicKey(v.null_public_key as string, v.prefix)).toBe(false);
        expect(toBtsPublicKey(v.null_public_key as string)).toBe('BTS1111111111111111111111111111111114T1Anm');
      });
    }
  }

  it('bitshares-core memo keys: seeds "1" and "2" give the vector WIFs', () => {
    const memo = loadVector<{ vectors: { id: string; from_priv_wif: string; to_priv_wif: string; to_pub: string }[] }>('memo.json');
    const core = memo.vectors.find((x) => x.id === 'bitshares-core-memo_test');
    expect(generateKeyPair('1').wif).toBe(core?.from_priv_wif);
    expect(generateKeyPair('2')).toEqual({ wif: core?.to_priv_wif, pub: core?.to_pub });
  });
});

describe('key helpers', () => {
  it('generateKeyPair: deterministic with a seed, random without, always consistent with bitsharesjs', () => {
    expect(generateKeyPair('sim-broker')).toEqual(generateKeyPair('sim-broker'));
    expect(generateKeyPair('a').wif).not.toBe(generateKeyPair('b').wif);
    const r1 = generateKeyPair();
    const r2 = generateKeyPair();
    expect(r1.wif).not.toBe(r2.wif);
    for (const k of [r1, generateKeyPair('x')]) {
      expect(PrivateKey.fromWif(k.wif).toPublicKey().toPublicKeyString('BTS')).toBe(k.pub);
    }
  });

  it('isValidWif rejects bad checksums, versions, lengths and types', () => {
    const { wif } = generateKeyPair('w');
    const last = wif.at(-1) === 'a' ? 'b' : 'a';
    for (const bad of ['', 'x', `${wif.slice(0, -1)}${last}`, `${wif}1`, wif.slice(1), '0OIl', 42 as never, null as never]) {
      expect(isValidWif(bad)).toBe(false);
    }
  });

  it('publicKeyFromWif throws KEY_INVALID without echoing the input', () => {
    const { wif } = generateKeyPair('secret');
    const broken = `${wif.slice(0, -2)}zz`;
    try {
      publicKeyFromWif(broken);
      expect.unreachable();
    } catch (e) {
      expect(isError(e, 'KEY_INVALID')).toBe(true);
      expect((e as Error).message).not.toContain(broken);
    }
  });

  it('samePublicKey compares points across GPH/BTS/CBA and never throws', () => {
    const pub = generateKeyPair('p').pub;
    const body = pub.slice(3);
    expect(samePublicKey(`GPH${body}`, pub)).toBe(true);
    expect(samePublicKey(`CBA${body}`, `GPH${body}`)).toBe(true);
    expect(samePublicKey(pub, generateKeyPair('q').pub)).toBe(false);
    expect(samePublicKey(pub, 'garbage')).toBe(false);
    expect(samePublicKey('BTS1111111111111111111111111111111114T1Anm', 'GPH1111111111111111111111111111111114T1Anm')).toBe(true);
    expect(samePublicKey(undefined as never, null as never)).toBe(false);
  });

  it('refuses a well-formed key string whose x has no curve point (bitsharesjs/ecurve accepts it)', () => {
    // x = 5: 5^3 + 7 = 132 is no square mod p, so "02 ‖ x" names no point; the checksum is right.
    const point = Buffer.concat([Buffer.from([2]), Buffer.alloc(31), Buffer.from([5])]);
    const offCurve = `BTS${base58.encode(Buffer.concat([point, createHash('ripemd160').update(point).digest().subarray(0, 4)]))}`;
    ensureBtsPrefix();
    expect(PublicKey.fromPublicKeyString(offCurve, 'BTS')?.Q).not.toBeNull(); // the reason for the check
    expect(isValidPublicKey(offCurve)).toBe(false);
    expect(isNullPublicKey(offCurve)).toBe(false);
    expect(toBtsPublicKey(offCurve)).toBeNull();
    expect(samePublicKey(offCurve, offCurve)).toBe(false);
    // A real point with a broken checksum is refused too.
    const pub = generateKeyPair('curve').pub;
    const raw = Buffer.from(base58.decode(pub.slice(3)));
    raw[36] = (raw[36] ?? 0) ^ 1;
    expect(isValidPublicKey(`BTS${base58.encode(raw)}`)).toBe(false);
    expect(isValidPublicKey(pub)).toBe(true);
  });

  it('isValidPublicKey / isNullPublicKey on garbage', () => {
    for (const bad of ['', 'BTS', 'BTSxyz', `BTS${'1'.repeat(50)}`, {} as never]) {
      expect(isValidPublicKey(bad)).toBe(false);
      expect(isNullPublicKey(bad)).toBe(false);
    }
  });
});

describe('ensureBtsPrefix / parseChainTimeSec', () => {
  it('a prefix bitsharesjs-ws reset to CBA changes nothing: BTS keys keep working, and the serializer gets BTS back', async () => {
    const { default: ws } = await import('bitsharesjs-ws');
    const pub = generateKeyPair('prefix').pub;
    ws.ChainConfig.setPrefix('CBA');
    expect(isValidPublicKey(pub)).toBe(true);
    // A transfer with a memo that only bitsharesjs packs (an operation extension) still packs under BTS keys.
    const memo = encryptMemo({ fromWif: generateKeyPair('prefix').wif, toPub: pub, text: 'm', nonce: '1' });
    const tx = {
      ref_block_num: 1,
      ref_block_prefix: 2,
      expiration: '2020-01-01T00:00:00',
      operations: [
        [
          0,
          {
            fee: { amount: 0, asset_id: '1.3.0' },
            from: '1.2.1',
            to: '1.2.2',
            amount: { amount: 1, asset_id: '1.3.0' },
            memo,
            extensions: [],
          },
        ],
      ],
      extensions: [],
    };
    expect(packBySerializer(tx)).not.toBeNull();
    expect(ws.ChainConfig.address_prefix).toBe('BTS');
    ensureBtsPrefix();
    ensureBtsPrefix();
    expect(ws.ChainConfig.address_prefix).toBe('BTS');
  });

  it('parses node times as UTC and refuses other shapes', () => {
    expect(parseChainTimeSec('2018-12-12T10:44:15')).toBe(1_544_611_455);
    expect(parseChainTimeSec('1970-01-01T00:00:00')).toBe(0);
    for (const bad of ['2018-12-12T10:44:15Z', '2018-12-12 10:44:15', '2019-02-30T00:00:00', '', 42 as never]) {
      expect(() => parseChainTimeSec(bad)).toThrow(/YYYY-MM-DD/);
    }
  });
});
