import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isError } from '../../src/errors/BaseError.js';
import { assertNoPasswordInArgvOrEnv } from '../../src/wallet/assertNoPasswordInArgvOrEnv.js';
import { readPasswordFile } from '../../src/wallet/readPasswordFile.js';
import { errorText, expectNoSecrets, rejection, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => cleanup());

async function passwordFile(content: string, mode = 0o600): Promise<string> {
  const path = join(dir, 'password');
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, mode);
  return path;
}

describe('readPasswordFile', () => {
  test.each([
    ['pw-plain', 'pw-plain'],
    ['pw-newline\n', 'pw-newline'],
    ['pw-crlf\r\n', 'pw-crlf'],
    ['pw-two-newlines\n\n', 'pw-two-newlines\n'],
    ['  spaces kept  \n', '  spaces kept  '],
    ['ünïcødé pässwörd\n', 'ünïcødé pässwörd'],
  ])('%j reads as %j', async (content, expected) => {
    expect(await readPasswordFile(await passwordFile(content))).toBe(expected);
  });

  test('mode 0400 is accepted', async () => {
    expect(await readPasswordFile(await passwordFile('readonly\n', 0o400))).toBe('readonly');
  });

  test.each([0o640, 0o604, 0o644, 0o620, 0o666])('mode %o is refused, naming chmod 600, not the content', async (mode) => {
    const path = await passwordFile('PLANTEDpasswordValue42\n', mode);
    const err = await rejection(readPasswordFile(path));
    expect(isError(err, 'PASSWORD_SOURCE_REFUSED')).toBe(true);
    expect((err as Error).message).toContain('chmod 600');
    expectNoSecrets(errorText(err), ['PLANTEDpasswordValue42']);
  });

  test.each(['', '\n', '\r\n'])('an empty password file (%j) is refused', async (content) => {
    expect(isError(await rejection(readPasswordFile(await passwordFile(content))), 'PASSWORD_SOURCE_REFUSED')).toBe(true);
  });

  test('a missing password file is refused', async () => {
    const err = await rejection(readPasswordFile(join(dir, 'absent')));
    expect(isError(err, 'PASSWORD_SOURCE_REFUSED')).toBe(true);
  });

  test('a directory is refused', async () => {
    expect(isError(await rejection(readPasswordFile(dir)), 'PASSWORD_SOURCE_REFUSED')).toBe(true);
  });
});

describe('assertNoPasswordInArgvOrEnv', () => {
  const node = ['/usr/bin/node', '/app/bin/stakebts.js'];
  const refusedArgv = [
    ['start', '--password=PLANTEDargvSecret'],
    ['start', '--password', 'PLANTEDargvSecret'],
    ['keys', 'list', '--keystore-password=PLANTEDargvSecret'],
    ['start', '--passphrase', 'PLANTEDargvSecret'],
    ['start', '--PASSWORD=PLANTEDargvSecret'],
  ];
  test.each(refusedArgv)('argv %j is refused without echoing the value', (...args) => {
    let err: unknown;
    try {
      assertNoPasswordInArgvOrEnv([...node, ...args], {});
    } catch (e) {
      err = e;
    }
    expect(isError(err, 'PASSWORD_SOURCE_REFUSED')).toBe(true);
    expect((err as Error).message).toContain('--password-file');
    expectNoSecrets(errorText(err), ['PLANTEDargvSecret']);
  });

  test.each([
    'STAKEBTS_PASSWORD',
    'STAKEBTS_KEYSTORE_PASSWORD',
    'stakebts_password',
    'PASSWORD',
    'KEYSTORE_PASSWORD',
    'STAKEBTS_PASSPHRASE',
  ])('env %s is refused, naming the variable, not the value', (name) => {
    let err: unknown;
    try {
      assertNoPasswordInArgvOrEnv(node, { PATH: '/usr/bin', [name]: 'PLANTEDenvSecret' });
    } catch (e) {
      err = e;
    }
    expect(isError(err, 'PASSWORD_SOURCE_REFUSED')).toBe(true);
    expect((err as Error).message).toContain(name);
    expectNoSecrets(errorText(err), ['PLANTEDenvSecret']);
  });

  test('allowed: --password-file, the prompt, and unrelated variables', () => {
    expect(() =>
      assertNoPasswordInArgvOrEnv([...node, 'start', '--password-file', '/etc/stakebts/pw', '--keystore', 'k.json'], {
        PATH: '/usr/bin',
        PGPASSWORD: 'not ours',
        STAKEBTS_KEYSTORE: './k.json',
        STAKEBTS_PASSWORD_FILE_HINT: undefined,
      }),
    ).not.toThrow();
    expect(() => assertNoPasswordInArgvOrEnv([...node, 'start', '--password-file=/etc/stakebts/pw'], {})).not.toThrow();
  });
});
