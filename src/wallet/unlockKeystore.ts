import { BaseError } from '../errors/BaseError.js';
import { assertNoPasswordInArgvOrEnv } from './assertNoPasswordInArgvOrEnv.js';
import { describeKeystore } from './describeKeystore.js';
import type { Payload } from './keystoreFormat.js';
import { openKeystore } from './openKeystore.js';
import { promptPassword } from './promptPassword.js';
import { readPasswordFile } from './readPasswordFile.js';

export type UnlockKeystoreOptions = {
  keystorePath: string;
  /** Read the password from this file (mode 0600) instead of the prompt. */
  passwordFile?: string | undefined;
  /** What is refused when the prompt is cancelled, for the one-sentence message ("nothing was started"). */
  nothingDone: string;
  /** @default process.argv */
  argv?: readonly string[];
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Whether someone can type at a prompt. @default process.stdin.isTTY */
  interactive?: boolean;
};

/**
 * Unlocks the keystore as `start` and the fund-moving commands do: a password in argv or the environment is refused
 * first; the file is checked (exists, 0600, well formed, scrypt floor) before anyone types; the password comes from
 * `--password-file` or a masked prompt on stderr.
 * @throws BaseError PASSWORD_SOURCE_REFUSED, KEYSTORE_* (wrong password, damaged, insecure, weak), USAGE (cancelled)
 */
export async function unlockKeystore(options: UnlockKeystoreOptions): Promise<Payload> {
  const {
    keystorePath,
    passwordFile,
    nothingDone,
    argv = process.argv,
    env = process.env,
    interactive = process.stdin.isTTY === true,
  } = options;
  assertNoPasswordInArgvOrEnv(argv, env);
  await describeKeystore(keystorePath);
  if (passwordFile === undefined && !interactive) {
    throw new BaseError(
      'PASSWORD_SOURCE_REFUSED',
      `No terminal to type the keystore password on; pass --password-file (mode 0600). ${capitalise(nothingDone)}.`,
    );
  }
  const password =
    passwordFile !== undefined
      ? await readPasswordFile(passwordFile)
      : await promptPassword({ message: `Keystore password (${keystorePath})`, context: { output: process.stderr } }).catch(
          (err: unknown) => {
            if (err instanceof Error && err.name === 'ExitPromptError') throw new BaseError('USAGE', `Cancelled; ${nothingDone}.`);
            throw err;
          },
        );
  return openKeystore(keystorePath, password);
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
