import { type WriteKeystoreOptions, writeKeystore } from './createKeystore.js';
import { openKeystore } from './openKeystore.js';
import { readKeystoreFile } from './readKeystoreFile.js';

export type ChangeKeystorePasswordOptions = Pick<WriteKeystoreOptions, 'kdf'>;

/**
 * Re-encrypts the keystore under a new password (new salt, new IV) and today's scrypt parameters, replacing the
 * file atomically: a crash leaves either the old file or the new one, never a mix. The creation date is kept.
 * A file below the scrypt floor, which nothing else opens, is accepted here: this is how it gets upgraded.
 * @param options.kdf - scrypt parameters of the new file (tests pass a lighter one) @default DEFAULT_KDF
 * @throws BaseError KEYSTORE_WRONG_PASSWORD when `oldPassword` is wrong (the file is left untouched)
 */
export async function changeKeystorePassword(
  path: string,
  oldPassword: string,
  newPassword: string,
  options: ChangeKeystorePasswordOptions = {},
): Promise<void> {
  const { file } = await readKeystoreFile(path, { allowBelowFloor: true });
  const payload = await openKeystore(path, oldPassword, { allowBelowFloor: true });
  await writeKeystore(path, payload, newPassword, { ...options, overwrite: true, created: file.created });
}
