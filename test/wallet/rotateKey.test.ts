import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { generateKeyPair, publicKeyFromWif } from '../../src/chain/bitshares/keys.js';
import { isError } from '../../src/errors/BaseError.js';
import { writeKeystore } from '../../src/wallet/createKeystore.js';
import { deriveKey, encrypt, keystoreAad, passwordCheck } from '../../src/wallet/keystoreCrypto.js';
import { MAX_RETIRED_MEMO_KEYS, type Payload, unwrapPayload } from '../../src/wallet/keystoreFormat.js';
import { openKeystore } from '../../src/wallet/openKeystore.js';
import { rotateKey, rotateKeystoreKey } from '../../src/wallet/rotateKey.js';
import { Secret } from '../../src/wallet/Secret.js';
import { errorText, expectNoSecrets, FAST_KDF, plantedPayload, rejection, tempDir } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
let dir: string;
let cleanup: () => Promise<void>;
let file: string;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  file = join(dir, 'stakebts.keystore.json');
});
afterEach(async () => cleanup());

const pubs = (p: Payload) => ({
  active: publicKeyFromWif(p.broker.activeWif.reveal()),
  memo: publicKeyFromWif(p.broker.memoWif.reveal()),
  retired: p.broker.retiredMemoWifs.map((w) => publicKeyFromWif(w.reveal())),
});

/** A keystore as stakebts wrote it before retired memo keys existed: format v1, its payload without the list. */
async function writeV1Keystore(path: string, payload: Payload): Promise<string> {
  const { retiredMemoWifs: _none, ...broker } = unwrapPayload(payload).broker;
  const plaintext = JSON.stringify({ broker, bittrex: unwrapPayload(payload).bittrex });
  const salt = Buffer.alloc(32, 3);
  const created = '2026-01-02T03:04:05.000Z';
  const header = { v: 1, kdf: { ...FAST_KDF, salt: salt.toString('base64') }, created };
  const key = await deriveKey(PASSWORD, salt, FAST_KDF);
  const { iv, tag, ct } = encrypt(key, Buffer.from(plaintext), keystoreAad(header));
  const json = {
    v: 1,
    kdf: { name: 'scrypt', ...header.kdf },
    cipher: 'aes-256-gcm',
    created,
    check: passwordCheck(key, salt).toString('base64'),
    iv: iv.toString('base64'),
    tag: tag.toString('base64'),
    ct: ct.toString('base64'),
  };
  await writeFile(path, JSON.stringify(json), { mode: 0o600 });
  return created;
}

describe('rotateKey (one key replaced, the others kept)', () => {
  test('memo: the old memo key goes first into the retired list; the active and API keys stay', () => {
    const { payload } = plantedPayload(2);
    const k1 = generateKeyPair();
    const k2 = generateKeyPair();
    const once = rotateKey(payload, 'memo', new Secret(k1.wif));
    const twice = rotateKey(once, 'memo', new Secret(k2.wif));
    expect(pubs(once)).toEqual({ active: pubs(payload).active, memo: k1.pub, retired: [pubs(payload).memo] });
    expect(pubs(twice)).toEqual({ active: pubs(payload).active, memo: k2.pub, retired: [k1.pub, pubs(payload).memo] });
    expect(unwrapPayload(twice).bittrex).toEqual(unwrapPayload(payload).bittrex);
    // Back to a retired key: it leaves the list (it is current again), the one it replaces joins it, no duplicates.
    const back = rotateKey(twice, 'memo', payload.broker.memoWif);
    expect(pubs(back)).toEqual({ active: pubs(payload).active, memo: pubs(payload).memo, retired: [k2.pub, k1.pub] });
  });

  test('memo: the list is bounded, the oldest retired keys fall off', () => {
    let p = plantedPayload(0).payload;
    const keys = Array.from({ length: MAX_RETIRED_MEMO_KEYS + 3 }, () => generateKeyPair());
    for (const k of keys) p = rotateKey(p, 'memo', new Secret(k.wif));
    expect(pubs(p).retired).toHaveLength(MAX_RETIRED_MEMO_KEYS);
    expect(pubs(p).retired[0]).toBe(keys.at(-2)!.pub);
  });

  test('active: replaced and not kept; the memo keys stay', () => {
    const { payload } = plantedPayload(1);
    const withRetired = rotateKey(payload, 'memo', new Secret(generateKeyPair().wif));
    const k = generateKeyPair();
    const rotated = rotateKey(withRetired, 'active', new Secret(k.wif));
    expect(pubs(rotated)).toEqual({ ...pubs(withRetired), active: k.pub });
    expect(JSON.stringify(unwrapPayload(rotated))).not.toContain(payload.broker.activeWif.reveal());
  });

  test('the key already in place, or not a WIF, is refused without quoting it', () => {
    const { payload, secrets } = plantedPayload(1);
    const same = (() => {
      try {
        rotateKey(payload, 'active', payload.broker.activeWif);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(isError(same, 'USAGE')).toBe(true);
    const bad = 'PLANTEDnotAWif0123456789abcdef';
    let invalid: unknown;
    try {
      rotateKey(payload, 'memo', new Secret(bad));
    } catch (err) {
      invalid = err;
    }
    expect(invalid).toBeInstanceOf(Error);
    expectNoSecrets(errorText(invalid) + errorText(same), [bad, ...secrets]);
  });
});

describe('rotateKeystoreKey (the file)', () => {
  test('a v1 keystore opens as it is (no retired keys), and a rotation rewrites it as v2 with the same scrypt cost and creation date', async () => {
    const { payload } = plantedPayload(3);
    const created = await writeV1Keystore(file, payload);
    const opened = await openKeystore(file, PASSWORD);
    expect(pubs(opened)).toEqual({ ...pubs(payload), retired: [] });
    const k = generateKeyPair();
    const r = await rotateKeystoreKey(file, { which: 'memo', newWif: new Secret(k.wif), password: PASSWORD });
    expect(r).toEqual({ before: pubs(payload).memo, after: k.pub, retiredMemoKeys: [pubs(payload).memo] });
    const json = JSON.parse(await readFile(file, 'utf8'));
    expect(json).toMatchObject({ v: 2, created, kdf: { N: FAST_KDF.N, r: FAST_KDF.r, p: FAST_KDF.p } });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const reopened = await openKeystore(file, PASSWORD);
    expect(pubs(reopened)).toEqual({ active: pubs(payload).active, memo: k.pub, retired: [pubs(payload).memo] });
    expect(unwrapPayload(reopened).bittrex).toEqual(unwrapPayload(payload).bittrex);
  });

  test('a v1 file relabelled v2 does not authenticate (the version is in the authenticated header)', async () => {
    await writeV1Keystore(file, plantedPayload(0).payload);
    const json = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...json, v: 2 }), { mode: 0o600 });
    expect(isError(await rejection(openKeystore(file, PASSWORD)), 'KEYSTORE_INVALID')).toBe(true);
  });

  test('a wrong password leaves the file untouched', async () => {
    const { payload } = plantedPayload(1);
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    const before = await readFile(file);
    const err = await rejection(
      rotateKeystoreKey(file, { which: 'active', newWif: new Secret(generateKeyPair().wif), password: 'wrong password!' }),
    );
    expect(isError(err, 'KEYSTORE_WRONG_PASSWORD')).toBe(true);
    expect((await readFile(file)).equals(before)).toBe(true);
  });
});
