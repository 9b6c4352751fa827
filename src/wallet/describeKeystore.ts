import type { KdfParams } from './keystoreFormat.js';
import { type ReadKeystoreFileOptions, readKeystoreFile } from './readKeystoreFile.js';

export type KeystoreDescription = {
  path: string;
  version: number;
  cipher: string;
  kdf: { name: 'scrypt' } & KdfParams;
  /** ISO date the keystore was first written. */
  created: string;
};

/**
 * Public facts about a keystore, read without the password (nothing is decrypted).
 * @throws BaseError KEYSTORE_NOT_FOUND, KEYSTORE_INSECURE, KEYSTORE_INVALID, KEYSTORE_WEAK_KDF
 */
export async function describeKeystore(path: string, options: ReadKeystoreFileOptions = {}): Promise<KeystoreDescription> {
  const { file, kdf } = await readKeystoreFile(path, options);
  return { path, version: file.v, cipher: file.cipher, kdf: { name: 'scrypt', ...kdf }, created: file.created };
}
