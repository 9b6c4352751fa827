import { createHash } from 'node:crypto';
import { Aes, ops, PrivateKey, PublicKey } from 'bitsharesjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decryptMemo,
  encryptMemo,
  ensureBtsPrefix,
  generateKeyPair,
  NULL_PUBLIC_KEY,
  plainMemo,
  publicKeyFromWif,
  samePublicKey,
} from '../../../src/chain/bitshares/index.js';
import { memoSharedX } from '../../../src/chain/bitshares/memo.js';
import { isError } from '../../../src/errors/BaseError.js';
import { loadVector } from './vectors.js';

type MemoVector = {
  id: string;
  from_priv_wif?: string;
  to_priv_wif?: string;
  from_pub: string;
  to_pub: string;
  nonce: string;
  message_hex: string;
  plaintext_utf8_hex?: string;
  memo_data_packed_hex?: string;
  memo_data_sha256?: string;
};
type MemoFile = {
  vectors: MemoVector[];
  negative: MemoVector[];
  shared_secret_vectors: { vectors: { priv_wif: string; pub: string; shared_x_hex: string }[] };
};

const file = loadVector<MemoFile>('memo.json');
const memoOf = (v: MemoVector, nonce: string | number = v.nonce) => ({
  from: v.from_pub,
  to: v.to_pub,
  nonce,
  message: v.message_hex,
});

// The cross-checks call bitsharesjs directly, which reads its address prefix from a global (CBA by default);
// the daemon's own key and memo code no longer touches it (only its serializer loader does).
beforeAll(() => ensureBtsPrefix());

describe('memo vectors: decrypt', () => {
  it('covers every published vector', () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(10);
  });

  for (const v of file.vectors) {
    it(`${v.id}: decrypts to exactly the plaintext bytes (sender key + receiver pub)`, () => {
      expect(v.from_priv_wif).toBeTypeOf('string');
      const r = decryptMemo(memoOf(v), v.from_priv_wif as string);
      expect(r).toMatchObject({ ok: true, plain: false });
      if (r.ok) expect(r.bytes.toString('hex')).toBe(v.plaintext_utf8_hex);
    });

    if (v.to_priv_wif) {
      it(`${v.id}: decrypts as the receiver too (receiver key + sender pub)`, () => {
        const r = decryptMemo(memoOf(v), v.to_priv_wif as string);
        expect(r.ok && r.bytes.toString('hex')).toBe(v.plaintext_utf8_hex);
      });
    }

    it(`${v.id}: nonce + 1 fails the checksum instead of returning text`, () => {
      const bumped = (BigInt(v.nonce) + 1n).toString();
      expect(decryptMemo(memoOf(v, bumped), v.from_priv_wif as string)).toEqual({ ok: false, reason: 'undecryptable' });
    });

    it(`${v.id}: a third key is told the memo is not for it`, () => {
      const stranger = generateKeyPair(`stranger-${v.id}`);
      expect(decryptMemo(memoOf(v), stranger.wif)).toEqual({ ok: false, reason: 'not_for_us' });
    });

    it(`${v.id}: encrypting the plaintext with the same nonce reproduces message_hex`, () => {
      const memo = encryptMemo({
        fromWif: v.from_priv_wif as string,
        toPub: v.to_pub,
        nonce: v.nonce,
        text: Buffer.from(v.plaintext_utf8_hex as string, 'hex'),
      });
      expect(memo.message).toBe(v.message_hex);
      expect(memo.nonce).toBe(v.nonce);
      expect(memo.from.startsWith('BTS') && samePublicKey(memo.from, v.from_pub)).toBe(true);
      expect(memo.to.startsWith('BTS') && samePublicKey(memo.to, v.to_pub)).toBe(true);
    });
  }

  it('bitshares-core memo_test: our memo packs to the bytes whose sha256 the C++ test pins', () => {
    const v = file.vectors.find((x) => x.id === 'bitshares-core-memo_test') as MemoVector;
    const memo = encryptMemo({ fromWif: v.from_priv_wif as string, toPub: v.to_pub, nonce: v.nonce, text: 'Hello, world!' });
    const packed = ops.memo_data.toBuffer(ops.memo_data.fromObject(memo));
    expect(packed.toString('hex')).toBe(v.memo_data_packed_hex);
    expect(createHash('sha256').update(packed).digest('hex')).toBe(v.memo_data_sha256);
  });

  it('nonces above 2^53 stay exact strings; the same nonce as a JS number cannot decrypt', () => {
    const v = file.vectors.find((x) => x.id === 'graphenelib-1') as MemoVector;
    expect(BigInt(v.nonce) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const lossy = Number(v.nonce);
    expect(String(lossy)).not.toBe(v.nonce);
    expect(decryptMemo(memoOf(v, lossy), v.from_priv_wif as string)).toEqual({ ok: false, reason: 'undecryptable' });
    const memo = encryptMemo({ fromWif: v.from_priv_wif as string, toPub: v.to_pub, nonce: v.nonce, text: 'x' });
    expect(memo.nonce).toBe(v.nonce);
  });

  it('accepts a small nonce sent as a JSON number (fc sends values <= 0xffffffff as numbers)', () => {
    const v = file.vectors.find((x) => x.id === 'bitshares-core-memo_test') as MemoVector;
    expect(decryptMemo(memoOf(v, 12345), v.to_priv_wif as string)).toMatchObject({ ok: true });
    expect(decryptMemo(memoOf(v, '012345'), v.to_priv_wif as string)).toMatchObject({ ok: true });
  });
});

describe('memo vectors: negative', () => {
  const padding = file.negative.find((x) => x.id === 'graphenelib-not_enough_padding') as MemoVector;
  const nineteen = file.negative.find((x) => x.id === 'exchange-guide-19-byte-message') as MemoVector;

  it('not_enough_padding: bitsharesjs itself throws on it', () => {
    expect(() =>
      Aes.decrypt_with_checksum(
        PrivateKey.fromWif(padding.from_priv_wif as string),
        PublicKey.fromPublicKeyString(padding.to_pub, 'GPH') as PublicKey,
        padding.nonce,
        padding.message_hex,
      ),
    ).toThrow();
  });

  it('not_enough_padding: decodes like python-graphenelib (checksum-verified), never throws', () => {
    const r = decryptMemo(memoOf(padding), padding.from_priv_wif as string);
    expect(r.ok && r.bytes.toString('hex')).toBe(padding.plaintext_utf8_hex);
  });

  it('19-byte message: rejected cleanly (not ours; malformed when it is addressed to us)', () => {
    const me = generateKeyPair('nineteen');
    expect(decryptMemo(memoOf(nineteen), me.wif)).toEqual({ ok: false, reason: 'not_for_us' });
    const ours = { ...memoOf(nineteen), to: me.pub };
    expect(decryptMemo(ours, me.wif)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('memo vectors: ECDH shared secrets', () => {
  for (const [i, v] of file.shared_secret_vectors.vectors.entries()) {
    it(`shared secret ${i + 1}: raw x matches, and sha512(x) equals bitsharesjs get_shared_secret`, () => {
      const x = memoSharedX(v.priv_wif, v.pub);
      expect(x.toString('hex')).toBe(v.shared_x_hex);
      const lib = PrivateKey.fromWif(v.priv_wif).get_shared_secret(PublicKey.fromPublicKeyString(v.pub, 'GPH') as PublicKey);
      expect(createHash('sha512').update(x).digest('hex')).toBe(lib.toString('hex'));
    });
  }
});

describe('memo round trips', () => {
  const alice = generateKeyPair('alice');
  const bob = generateKeyPair('bob');

  it('alice -> bob: bob reads it, alice reads her own outgoing memo, a default nonce is a decimal string', () => {
    const memo = encryptMemo({ fromWif: alice.wif, toPub: bob.pub, text: '{"type":"six_months"}' });
    expect(memo.nonce).toMatch(/^[0-9]+$/);
    expect(memo).toMatchObject({ from: alice.pub, to: bob.pub });
    for (const wif of [bob.wif, alice.wif]) {
      const r = decryptMemo(memo, wif);
      expect(r.ok && r.bytes.toString('utf8')).toBe('{"type":"six_months"}');
    }
  });

  it('bob -> alice with UTF-8 and raw bytes; agrees with bitsharesjs Aes both ways', () => {
    const text = 'stop ⚡ äöü';
    const memo = encryptMemo({ fromWif: bob.wif, toPub: alice.pub, text, nonce: '18446744073709551615' });
    const lib = Aes.decrypt_with_checksum(PrivateKey.fromWif(alice.wif), bob.pub, memo.nonce, memo.message);
    expect(lib.toString('utf8')).toBe(text);
    const libMessage = Aes.encrypt_with_checksum(PrivateKey.fromWif(bob.wif), alice.pub, memo.nonce, Buffer.from(text));
    expect(libMessage.toString('hex')).toBe(memo.message);
    const raw = Buffer.from([0, 1, 2, 255, 254]);
    const r = decryptMemo(encryptMemo({ fromWif: bob.wif, toPub: alice.pub, text: raw }), alice.wif);
    expect(r.ok && r.bytes.equals(raw)).toBe(true);
  });

  it('an empty text round-trips', () => {
    const r = decryptMemo(encryptMemo({ fromWif: alice.wif, toPub: bob.pub, text: '' }), bob.wif);
    expect(r.ok && r.bytes.length).toBe(0);
  });

  it('plain memo: null keys, 00000000 prefix, readable by anyone as plain', () => {
    const memo = plainMemo('funding');
    expect(memo).toEqual({
      from: NULL_PUBLIC_KEY,
      to: NULL_PUBLIC_KEY,
      nonce: '0',
      message: `00000000${Buffer.from('funding').toString('hex')}`,
    });
    const r = decryptMemo(memo, bob.wif);
    expect(r).toMatchObject({ ok: true, plain: true });
    expect(r.ok && r.bytes.toString('utf8')).toBe('funding');
    expect(decryptMemo(memo, 'not a wif')).toMatchObject({ ok: true, plain: true });
  });

  it('encrypt refuses bad inputs with stable codes and no key text in the message', () => {
    const bad = (f: () => unknown, code: 'KEY_INVALID' | 'TX_INVALID') => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isError(e, code)).toBe(true);
        expect(String((e as Error).message)).not.toContain(alice.wif);
      }
    };
    bad(() => encryptMemo({ fromWif: `${alice.wif.slice(0, -1)}x`, toPub: bob.pub, text: 'a' }), 'KEY_INVALID');
    bad(() => encryptMemo({ fromWif: alice.wif, toPub: NULL_PUBLIC_KEY, text: 'a' }), 'KEY_INVALID');
    bad(() => encryptMemo({ fromWif: alice.wif, toPub: 'BTSnope', text: 'a' }), 'KEY_INVALID');
    bad(() => encryptMemo({ fromWif: alice.wif, toPub: bob.pub, text: 'a', nonce: '18446744073709551616' }), 'TX_INVALID');
    bad(() => encryptMemo({ fromWif: alice.wif, toPub: bob.pub, text: 'a', nonce: '-1' }), 'TX_INVALID');
  });
});

describe('decryptMemo never throws', () => {
  const me = generateKeyPair('fuzz-me');
  const other = generateKeyPair('fuzz-other');
  const good = encryptMemo({ fromWif: other.wif, toPub: me.pub, text: 'hello', nonce: '42' });

  const cases: [string, unknown, string][] = [
    ['garbage hex', { ...good, message: 'zz' }, 'malformed'],
    ['odd-length hex', { ...good, message: 'abc' }, 'malformed'],
    ['empty message', { ...good, message: '' }, 'malformed'],
    ['15 bytes', { ...good, message: good.message.slice(0, 30) }, 'malformed'],
    ['truncated block', { ...good, message: good.message.slice(0, -2) }, 'malformed'],
    ['flipped byte', { ...good, message: `${good.message.slice(0, -2)}${good.message.endsWith('00') ? '01' : '00'}` }, 'undecryptable'],
    ['bad from key', { ...good, from: 'BTS1234' }, 'malformed'],
    ['bad to key', { ...good, to: 42 }, 'malformed'],
    ['nonce 2^64', { ...good, nonce: '18446744073709551616' }, 'malformed'],
    ['huge nonce', { ...good, nonce: '9'.repeat(400) }, 'malformed'],
    ['negative nonce', { ...good, nonce: -1 }, 'malformed'],
    ['float nonce', { ...good, nonce: 1.5 }, 'malformed'],
    ['nonce 1e21', { ...good, nonce: 1e21 }, 'malformed'],
    ['object nonce', { ...good, nonce: {} }, 'malformed'],
    ['null memo', null, 'malformed'],
    ['string memo', 'memo', 'malformed'],
    ['plain memo shorter than 4 bytes', { ...plainMemo(''), message: '0000' }, 'malformed'],
    ['receiver is the null key', { ...good, from: me.pub, to: NULL_PUBLIC_KEY }, 'undecryptable'],
  ];
  for (const [name, memo, reason] of cases) {
    it(`${name} -> ${reason}`, () => {
      expect(decryptMemo(memo as never, me.wif)).toEqual({ ok: false, reason });
    });
  }

  it('the unmodified memo decrypts (the cases above differ only in the named field)', () => {
    const r = decryptMemo(good, me.wif);
    expect(r.ok && r.bytes.toString()).toBe('hello');
  });

  it('bad our-key inputs: not_for_us, no throw', () => {
    for (const wif of ['', 'x', '5'.repeat(51), 123 as never, null as never]) {
      expect(decryptMemo(good, wif)).toEqual({ ok: false, reason: 'not_for_us' });
    }
  });

  it('random mutations of a valid memo never throw and never yield the wrong text', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const hex = '0123456789abcdefg';
    for (let i = 0; i < 300; i++) {
      const m: Record<string, unknown> = { ...good };
      const field = ['from', 'to', 'nonce', 'message'][rnd() % 4] as string;
      const s = String(m[field]);
      const pos = rnd() % (s.length + 1);
      m[field] = s.slice(0, pos) + (hex[rnd() % hex.length] as string) + s.slice(pos + (rnd() % 2));
      const r = decryptMemo(m as never, me.wif);
      if (r.ok) expect(r.bytes.toString()).toBe('hello');
      else expect(['not_for_us', 'undecryptable', 'malformed']).toContain(r.reason);
    }
  });

  it('memo to self (from == to) decrypts; the sender pub from the WIF matches the vector form', () => {
    const self = encryptMemo({ fromWif: me.wif, toPub: me.pub, text: 'self' });
    expect(self.from).toBe(publicKeyFromWif(me.wif));
    const r = decryptMemo(self, me.wif);
    expect(r.ok && r.bytes.toString()).toBe('self');
  });
});
