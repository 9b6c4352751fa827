import { type WriteKeystoreOptions, writeKeystore } from './createKeystore.js';
import { openKeystore } from './openKeystore.js';
import { readKeystoreFile } from './readKeystoreFile.js';

export type ChangeKeystorePasswordOptions = Pick<WriteKeystoreOptions, 'kdf'>;

/**
 * Re-encrypts the keystore under a new password (new salt, new IV), replacing the file atomically:
 * a crash leaves either the old file or the new one, never a mix. The creation date is kept.
 * @param options.kdf - scrypt parameters of the new file @default DEFAULT_KDF
 * @throws BaseError KEYSTORE_WRONG_PASSWORD when `oldPassword` is wrong (the file is left untouched)
 */
export async function changeKeystorePassword(
  path: string,
  oldPassword: string,
  newPassword: string,
  options: ChangeKeystorePasswordOptions = {},
): Promise<void> {
  const { file } = await readKeystoreFile(path);
  const payload = await openKeystore(path, oldPassword);
  await writeKeystore(path, payload, newPassword, { ...options, overwrite: true, created: file.created });
}
