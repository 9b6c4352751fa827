import { BaseError } from '../errors/BaseError.js';
import { describeIssues, type KdfParams, type KeystoreFile, kdfParamsSchema, keystoreFileSchema } from './keystoreFormat.js';
import { readPrivateFile } from './readPrivateFile.js';

export type ReadKeystoreFileResult = { file: KeystoreFile; kdf: KdfParams };

/**
 * Reads and validates the keystore file's structure (no password needed, nothing decrypted).
 * @throws BaseError KEYSTORE_NOT_FOUND, KEYSTORE_INSECURE (mode wider than 0600), KEYSTORE_INVALID (malformed)
 */
export async function readKeystoreFile(path: string): Promise<ReadKeystoreFileResult> {
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
  return { file: parsed.data, kdf: kdf.data };
}
