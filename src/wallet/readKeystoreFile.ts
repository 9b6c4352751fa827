import { BaseError } from '../errors/BaseError.js';
import {
  DEFAULT_KDF,
  describeIssues,
  KDF_FLOOR,
  type KdfParams,
  type KeystoreFile,
  kdfParamsSchema,
  keystoreFileSchema,
  meetsKdfFloor,
} from './keystoreFormat.js';
import { readPrivateFile } from './readPrivateFile.js';

export type ReadKeystoreFileResult = { file: KeystoreFile; kdf: KdfParams };

export type ReadKeystoreFileOptions = {
  /** Accept scrypt parameters below {@link KDF_FLOOR}: only `keys change-password`, which re-encrypts the file. @default false */
  allowBelowFloor?: boolean;
};

/**
 * Reads and validates the keystore file's structure (no password needed, nothing decrypted).
 * A file whose scrypt parameters are below the floor is refused before any password is asked: every guess at its
 * password is cheap, so it must be re-encrypted first.
 * @throws BaseError KEYSTORE_NOT_FOUND, KEYSTORE_INSECURE (mode wider than 0600), KEYSTORE_INVALID (malformed),
 *         KEYSTORE_WEAK_KDF (below the floor)
 */
export async function readKeystoreFile(path: string, options: ReadKeystoreFileOptions = {}): Promise<ReadKeystoreFileResult> {
  const bytes = await readPrivateFile(path, {
    what: 'keystore',
    notFoundCode: 'KEYSTORE_NOT_FOUND',
    insecureCode: 'KEYSTORE_INSECURE',
    invalidCode: 'KEYSTORE_INVALID',
  });
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    // The JSON parser's message may quote file content: keep it out of ours (cause only).
    throw new BaseError('KEYSTORE_INVALID', `The keystore at ${path} is not valid JSON.`, { cause: err });
  }
  const parsed = keystoreFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new BaseError('KEYSTORE_INVALID', `The keystore at ${path} is malformed or not a stakebts keystore.`, {
      details: describeIssues(parsed.error),
    });
  }
  const { N, r, p } = parsed.data.kdf;
  const kdf = kdfParamsSchema.safeParse({ N, r, p });
  if (!kdf.success) {
    throw new BaseError('KEYSTORE_INVALID', `The keystore at ${path} has unusable scrypt parameters.`, {
      details: describeIssues(kdf.error),
    });
  }
  if (!options.allowBelowFloor && !meetsKdfFloor(kdf.data)) {
    throw new BaseError(
      'KEYSTORE_WEAK_KDF',
      `The keystore at ${path} uses scrypt N=${N}, r=${r}, p=${p}, below the accepted N=${KDF_FLOOR.N}, r=${KDF_FLOOR.r}; re-encrypt it with today's parameters (N=${DEFAULT_KDF.N}, r=${DEFAULT_KDF.r}, p=${DEFAULT_KDF.p}) by running: stakebts keys change-password --keystore ${path}`,
    );
  }
  return { file: parsed.data, kdf: kdf.data };
}
