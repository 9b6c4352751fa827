import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BaseError, isError } from '../../src/errors/BaseError.js';
import { changeKeystorePassword } from '../../src/wallet/changeKeystorePassword.js';
import { writeKeystore } from '../../src/wallet/createKeystore.js';
import { describeKeystore } from '../../src/wallet/describeKeystore.js';
import { deriveKey, encrypt, keystoreAad, passwordCheck } from '../../src/wallet/keystoreCrypto.js';
import { DEFAULT_KDF, unwrapPayload, wrapPayload } from '../../src/wallet/keystoreFormat.js';
import { openKeystore } from '../../src/wallet/openKeystore.js';
import { publicFacts } from '../../src/wallet/publicFacts.js';
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

/** The keystore JSON as a test edits it: known fields typed, anything may be set or deleted. */
type RawFile = {
  [k: string]: unknown;
  kdf: { [k: string]: unknown; salt: string };
  ct: string;
  iv: string;
  tag: string;
  check: string;
};

async function editFile(path: string, edit: (json: RawFile) => void): Promise<void> {
  const json = JSON.parse(await readFile(path, 'utf8'));
  edit(json);
  await writeFile(path, JSON.stringify(json), { mode: 0o600 });
}

/** Flips one bit of a base64 field. */
function flip(b64: string, byte = 0): string {
  const buf = Buffer.from(b64, 'base64');
  buf[byte] = (buf[byte] ?? 0) ^ 0x01;
  return buf.toString('base64');
}

describe('round trip', () => {
  test('opens to the same payload, secrets wrapped', async () => {
    const { payload, secrets } = plantedPayload();
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    const opened = await openKeystore(file, PASSWORD);
    expect(opened.broker.account).toBe('stake-broker');
    expect(opened.broker.activeWif.reveal()).toBe(secrets[0]);
    expect(opened.broker.memoWif.reveal()).toBe(secrets[1]);
    expect(opened.bittrex.map((b) => [b.index, b.apiKey.reveal(), b.apiSecret.reveal()])).toEqual(
      payload.bittrex.map((b) => [b.index, b.apiKey.reveal(), b.apiSecret.reveal()]),
    );
  });

  test('zero Bittrex accounts is a valid keystore', async () => {
    const { payload } = plantedPayload(0);
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    expect((await openKeystore(file, PASSWORD)).bittrex).toEqual([]);
  });

  test('default scrypt parameters (N = 2^17) write and open', async () => {
    const { payload, secrets } = plantedPayload(1);
    await writeKeystore(file, payload, PASSWORD);
    const description = await describeKeystore(file);
    expect(description.kdf).toEqual({ name: 'scrypt', ...DEFAULT_KDF });
    expect((await openKeystore(file, PASSWORD)).broker.memoWif.reveal()).toBe(secrets[1]);
  });

  test('the file is 0600, holds no secret in clear, and leaves no temp file behind', async () => {
    const { payload, secrets } = plantedPayload();
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expectNoSecrets(text, secrets);
    expectNoSecrets(Buffer.from(text).toString('base64'), secrets);
    expect(text).not.toContain('stake-broker'); // the account name is inside the ciphertext too
    expect(await readdir(dir)).toEqual(['stakebts.keystore.json']);
    const json = JSON.parse(text);
    expect(Object.keys(json).sort()).toEqual(['check', 'cipher', 'created', 'ct', 'iv', 'kdf', 'tag', 'v']);
    expect(Buffer.from(json.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(json.tag, 'base64')).toHaveLength(16);
  });

  test('each write uses a fresh salt and IV', async () => {
    const { payload } = plantedPayload();
    const other = join(dir, 'second.json');
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    await writeKeystore(other, payload, PASSWORD, { kdf: FAST_KDF });
    const [a, b] = [JSON.parse(await readFile(file, 'utf8')), JSON.parse(await readFile(other, 'utf8'))];
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });
});

describe('wrong password and damaged files', () => {
  beforeEach(async () => {
    await writeKeystore(file, plantedPayload().payload, PASSWORD, { kdf: FAST_KDF });
  });

  test('wrong password → KEYSTORE_WRONG_PASSWORD', async () => {
    const err = await rejection(openKeystore(file, 'correct horse battery stapler'));
    expect(isError(err, 'KEYSTORE_WRONG_PASSWORD')).toBe(true);
    expect((err as BaseError).shortMessage).toBe('Wrong keystore password.');
  });

  const invalid: Array<[string, (j: RawFile) => void]> = [
    ['ciphertext bit flipped', (j) => (j.ct = flip(j.ct, 3))],
    ['ciphertext truncated', (j) => (j.ct = Buffer.from(j.ct, 'base64').subarray(1).toString('base64'))],
    ['tag bit flipped', (j) => (j.tag = flip(j.tag))],
    ['iv bit flipped', (j) => (j.iv = flip(j.iv, 11))],
    ['iv of the wrong length', (j) => (j.iv = Buffer.alloc(16).toString('base64'))],
    ['created date changed (authenticated header)', (j) => (j.created = '2020-01-01T00:00:00.000Z')],
    ['N not a power of two', (j) => (j.kdf.N = 16_000)],
    ['N absurdly large', (j) => (j.kdf.N = 2 ** 30)],
    ['r = 0', (j) => (j.kdf.r = 0)],
    ['kdf params missing', (j) => delete j.kdf.N],
    ['unknown version', (j) => (j.v = 3)],
    ['a v2 file relabelled v1 (the version is authenticated)', (j) => (j.v = 1)],
    ['ct is not base64', (j) => (j.ct = '%%%')],
    ['salt of the wrong length', (j) => (j.kdf.salt = Buffer.alloc(8).toString('base64'))],
  ];
  test.each(invalid)('%s → KEYSTORE_INVALID', async (_name, edit) => {
    await editFile(file, edit);
    const err = await rejection(openKeystore(file, PASSWORD));
    expect(isError(err, 'KEYSTORE_INVALID')).toBe(true);
  });

  // These change the derived key: indistinguishable from a wrong password, and reported as such.
  const keyChanging: Array<[string, (j: RawFile) => void]> = [
    ['salt bit flipped', (j) => (j.kdf.salt = flip(j.kdf.salt))],
    ['N changed to another valid value', (j) => (j.kdf.N = 2 ** 15)],
    ['r changed', (j) => (j.kdf.r = 16)],
    ['check value flipped', (j) => (j.check = flip(j.check))],
  ];
  test.each(keyChanging)('%s → KEYSTORE_WRONG_PASSWORD, never garbage', async (_name, edit) => {
    await editFile(file, edit);
    const err = await rejection(openKeystore(file, PASSWORD));
    expect(isError(err, 'KEYSTORE_WRONG_PASSWORD')).toBe(true);
  });

  test('not JSON → KEYSTORE_INVALID', async () => {
    await writeFile(file, 'this is not json', { mode: 0o600 });
    expect(isError(await rejection(openKeystore(file, PASSWORD)), 'KEYSTORE_INVALID')).toBe(true);
  });

  test('missing file → KEYSTORE_NOT_FOUND', async () => {
    expect(isError(await rejection(openKeystore(join(dir, 'nope.json'), PASSWORD)), 'KEYSTORE_NOT_FOUND')).toBe(true);
  });

  test.each([0o644, 0o640, 0o604, 0o660])('mode %o is refused with a chmod 600 hint', async (mode) => {
    await chmod(file, mode);
    const err = await rejection(openKeystore(file, PASSWORD));
    expect(isError(err, 'KEYSTORE_INSECURE')).toBe(true);
    expect((err as Error).message).toContain(`chmod 600 ${file}`);
    await expect(describeKeystore(file)).rejects.toMatchObject({ code: 'KEYSTORE_INSECURE' });
  });

  test('mode 0400 is accepted', async () => {
    await chmod(file, 0o400);
    await expect(openKeystore(file, PASSWORD)).resolves.toMatchObject({ broker: { account: 'stake-broker' } });
  });
});

describe('scrypt floor', () => {
  /** A keystore written with scrypt N = 2^10, r = 1 (as the format used to accept), by hand with the same crypto. */
  async function writeWeakKeystore(path: string, plaintext: string): Promise<void> {
    const kdf = { N: 2 ** 10, r: 1, p: 1 };
    const salt = Buffer.alloc(32, 9);
    const created = new Date().toISOString();
    const header = { v: 1, kdf: { ...kdf, salt: salt.toString('base64') }, created };
    const key = await deriveKey(PASSWORD, salt, kdf);
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
  }

  test('a keystore below the floor (N=2^10, r=1) is refused in one sentence; change-password re-encrypts it with today’s parameters', async () => {
    const { payload, secrets } = plantedPayload(1);
    await writeWeakKeystore(file, JSON.stringify(unwrapPayload(payload)));
    // One at a time: a second promise made up front rejects while the first is awaited, unhandled for that while.
    for (const attempt of [() => openKeystore(file, PASSWORD), () => describeKeystore(file)]) {
      const err = await rejection(attempt());
      expect(isError(err, 'KEYSTORE_WEAK_KDF')).toBe(true);
      expect((err as Error).message).toBe(
        `The keystore at ${file} uses scrypt N=1024, r=1, p=1, below the accepted N=16384, r=8; re-encrypt it with today's parameters (N=131072, r=8, p=1) by running: stakebts keys change-password --keystore ${file}`,
      );
      expectNoSecrets(errorText(err), secrets);
    }
    // Nothing writes such a file any more.
    expect(
      isError(await rejection(writeKeystore(join(dir, 'k2.json'), payload, PASSWORD, { kdf: { N: 2 ** 10, r: 1, p: 1 } })), 'USAGE'),
    ).toBe(true);
    // The upgrade path: change-password opens it (and only it) and writes today's parameters.
    await changeKeystorePassword(file, PASSWORD, 'a brand new password');
    expect((await describeKeystore(file)).kdf).toEqual({ name: 'scrypt', ...DEFAULT_KDF });
    const reopened = await openKeystore(file, 'a brand new password');
    expect(reopened.bittrex[0]?.apiSecret.equals(payload.bittrex[0]!.apiSecret)).toBe(true);
    expect(reopened.broker.activeWif.equals(payload.broker.activeWif)).toBe(true);
  }, 60_000);

  test('the floor itself (N=2^14, r=8) opens', async () => {
    await writeKeystore(file, plantedPayload().payload, PASSWORD, { kdf: { N: 2 ** 14, r: 8, p: 1 } });
    await expect(openKeystore(file, PASSWORD)).resolves.toMatchObject({ broker: { account: 'stake-broker' } });
  });
});

describe('overwrite and password change', () => {
  test('refuses to overwrite an existing keystore unless asked', async () => {
    const first = plantedPayload();
    const second = plantedPayload();
    await writeKeystore(file, first.payload, PASSWORD, { kdf: FAST_KDF });
    const before = await readFile(file, 'utf8');
    const err = await rejection(writeKeystore(file, second.payload, PASSWORD, { kdf: FAST_KDF }));
    expect(isError(err, 'KEYSTORE_EXISTS')).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['stakebts.keystore.json']);

    await writeKeystore(file, second.payload, PASSWORD, { kdf: FAST_KDF, overwrite: true });
    expect((await openKeystore(file, PASSWORD)).broker.activeWif.reveal()).toBe(second.secrets[0]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  test('also refuses when the existing file is not a keystore', async () => {
    await writeFile(file, 'precious', { mode: 0o600 });
    const err = await rejection(writeKeystore(file, plantedPayload().payload, PASSWORD, { kdf: FAST_KDF }));
    expect(isError(err, 'KEYSTORE_EXISTS')).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('precious');
  });

  test('change-password: new password opens, old one no longer does, created kept, mode 0600', async () => {
    const { payload, secrets } = plantedPayload();
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    const created = (await describeKeystore(file)).created;
    await changeKeystorePassword(file, PASSWORD, 'a brand new password', { kdf: FAST_KDF });
    expect((await openKeystore(file, 'a brand new password')).bittrex[2]?.apiSecret.reveal()).toBe(secrets[7]);
    expect(isError(await rejection(openKeystore(file, PASSWORD)), 'KEYSTORE_WRONG_PASSWORD')).toBe(true);
    expect((await describeKeystore(file)).created).toBe(created);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  test('change-password with a wrong old password leaves the file untouched', async () => {
    await writeKeystore(file, plantedPayload().payload, PASSWORD, { kdf: FAST_KDF });
    const before = await readFile(file, 'utf8');
    const err = await rejection(changeKeystorePassword(file, 'not the password', 'another password', { kdf: FAST_KDF }));
    expect(isError(err, 'KEYSTORE_WRONG_PASSWORD')).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  test('a missing folder gives a clear USAGE error', async () => {
    const err = await rejection(writeKeystore(join(dir, 'no', 'such', 'k.json'), plantedPayload().payload, PASSWORD, { kdf: FAST_KDF }));
    expect(isError(err, 'USAGE')).toBe(true);
    expect((err as Error).message).toContain('ENOENT');
  });

  test('a short new password is refused', async () => {
    const err = await rejection(writeKeystore(file, plantedPayload().payload, 'short', { kdf: FAST_KDF }));
    expect(isError(err, 'USAGE')).toBe(true);
  });

  test('weak scrypt parameters are refused on write', async () => {
    const err = await rejection(writeKeystore(file, plantedPayload().payload, PASSWORD, { kdf: { N: 1000, r: 8, p: 1 } }));
    expect(isError(err, 'USAGE')).toBe(true);
  });
});

describe('validation on write', () => {
  test('an invalid WIF is refused without quoting it', async () => {
    const { payload } = plantedPayload();
    const bad = '5KbogusPLANTEDwifThatDoesNotDecode1234567890abcdefgh';
    const broken = wrapPayload({
      broker: { account: 'stake-broker', activeWif: bad, memoWif: payload.broker.memoWif.reveal() },
      bittrex: [],
    });
    const err = await rejection(writeKeystore(file, broken, PASSWORD, { kdf: FAST_KDF }));
    expect(isError(err, 'KEY_INVALID')).toBe(true);
    expect((err as Error).message).toContain('active key');
    expectNoSecrets(errorText(err), [bad, payload.broker.memoWif.reveal()]);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('duplicate Bittrex account numbers are refused', async () => {
    const { payload } = plantedPayload(2);
    const dup = { ...payload, bittrex: payload.bittrex.map((b) => ({ ...b, index: 1 as const })) };
    expect(isError(await rejection(writeKeystore(file, dup, PASSWORD, { kdf: FAST_KDF })), 'KEY_INVALID')).toBe(true);
  });

  test('an authenticated but invalid payload is KEYSTORE_INVALID and its content is not quoted', async () => {
    // Built by hand with the same crypto, as a buggy tool could have written it.
    const planted = 'PLANTEDsecretInsideBadPayload0123456789';
    for (const plaintext of [
      JSON.stringify({ broker: { account: 'stake-broker', activeWif: planted, memoWif: planted }, bittrex: [] }),
      `{"broker": ${planted}`,
    ]) {
      const salt = Buffer.alloc(32, 7);
      const created = new Date().toISOString();
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
      await writeFile(file, JSON.stringify(json), { mode: 0o600 });
      const err = await rejection(openKeystore(file, PASSWORD));
      expect(isError(err, 'KEYSTORE_INVALID')).toBe(true);
      expectNoSecrets(errorText(err), [planted]);
    }
  });
});

describe('secrets never printed', () => {
  test('JSON.stringify, util.inspect, template strings and pino show [REDACTED]', async () => {
    const { payload, secrets } = plantedPayload();
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    const opened = await openKeystore(file, PASSWORD);
    for (const p of [payload, opened]) {
      const json = JSON.stringify(p);
      expectNoSecrets(json, secrets);
      expect(json).toContain('[REDACTED]');
      expect(json).toContain('stake-broker');
      const inspected = inspect(p, { depth: null, showHidden: true });
      expectNoSecrets(inspected, secrets);
      expect(inspected).toContain('[REDACTED]');
      expectNoSecrets(`${p.broker.activeWif} ${String(p.bittrex[0]?.apiSecret)} ${p.bittrex[1]?.apiKey}`, secrets);
      expectNoSecrets(JSON.stringify({ ...p.broker, ...p.bittrex[0] }), secrets);
    }
    let logged = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logged += chunk.toString();
        cb();
      },
    });
    pino({}, sink).info({ payload: opened, broker: opened.broker }, 'loaded keystore');
    expect(logged).toContain('loaded keystore');
    expectNoSecrets(logged, secrets);
  });

  test('no error message on any failure path carries a secret', async () => {
    const { payload, secrets } = plantedPayload();
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    const errors: unknown[] = [];
    errors.push(await rejection(openKeystore(file, secrets[0] ?? 'x'))); // a secret typed as the password
    errors.push(await rejection(writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF })));
    errors.push(await rejection(changeKeystorePassword(file, 'wrong password!', PASSWORD, { kdf: FAST_KDF })));
    await editFile(file, (j) => (j.tag = flip(j.tag)));
    errors.push(await rejection(openKeystore(file, PASSWORD)));
    await chmod(file, 0o644);
    errors.push(await rejection(openKeystore(file, PASSWORD)));
    expect(errors.every((e) => e instanceof BaseError)).toBe(true);
    for (const err of errors) expectNoSecrets(errorText(err), [...secrets, PASSWORD]);
  });
});

describe('public facts', () => {
  test('describeKeystore gives header facts only', async () => {
    const { payload, secrets } = plantedPayload();
    const before = Date.now();
    await writeKeystore(file, payload, PASSWORD, { kdf: FAST_KDF });
    const d = await describeKeystore(file);
    expect(d).toMatchObject({ path: file, version: 2, cipher: 'aes-256-gcm', kdf: { name: 'scrypt', ...FAST_KDF } });
    expect(Date.parse(d.created)).toBeGreaterThanOrEqual(before - 1000);
    expectNoSecrets(JSON.stringify(d), secrets);
  });

  test('publicFacts: account, public keys, API keys masked to 4 characters', () => {
    const { payload, secrets, activePub, memoPub } = plantedPayload();
    const facts = publicFacts(payload);
    expect(facts.broker).toEqual({
      account: 'stake-broker',
      activePublicKey: activePub,
      memoPublicKey: memoPub,
      retiredMemoPublicKeys: [],
    });
    expect(facts.broker.activePublicKey.startsWith('BTS')).toBe(true);
    expect(facts.bittrex).toEqual(payload.bittrex.map((b) => ({ index: b.index, apiKey: `${b.apiKey.reveal().slice(0, 4)}…` })));
    expectNoSecrets(JSON.stringify(facts), secrets);
  });
});
