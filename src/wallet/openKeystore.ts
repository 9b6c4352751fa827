import { BaseError } from '../errors/BaseError.js';
import { checkMatches, decrypt, deriveKey, keystoreAad, passwordCheck } from './keystoreCrypto.js';
import { type Payload, wrapPayload } from './keystoreFormat.js';
import { type ReadKeystoreFileOptions, readKeystoreFile } from './readKeystoreFile.js';
import { validatePlainPayload } from './validatePayload.js';

/**
 * Opens the keystore: checks the file (mode 0600, structure), derives the key with scrypt, verifies
 * the password, decrypts and validates the payload. The key buffer is zeroed once used.
 *
 * A damaged salt or kdf header makes the derived key differ, which looks exactly like a wrong
 * password (the message says so); damage to iv, tag, ciphertext or the created date fails the
 * GCM tag and is reported as KEYSTORE_INVALID. Garbage is never returned.
 *
 * @returns the payload, secrets wrapped in {@link Secret}
 * @param options.allowBelowFloor - only for re-encryption (`keys change-password`) @default false
 * @throws BaseError KEYSTORE_WRONG_PASSWORD, KEYSTORE_INVALID, KEYSTORE_NOT_FOUND, KEYSTORE_INSECURE, KEYSTORE_WEAK_KDF
 * @example const payload = await openKeystore('./stakebts.keystore.json', password)
 */
export async function openKeystore(path: string, password: string, options: ReadKeystoreFileOptions = {}): Promise<Payload> {
  const { file, kdf } = await readKeystoreFile(path, options);
  const salt = Buffer.from(file.kdf.salt, 'base64');
  const key = await deriveKey(password, salt, kdf);
  let plaintext: Buffer;
  try {
    if (!checkMatches(passwordCheck(key, salt), Buffer.from(file.check, 'base64'))) {
      throw new BaseError('KEYSTORE_WRONG_PASSWORD', 'Wrong keystore password.', {
        metaMessages: ['If you are sure of the password, the keystore header (salt, scrypt parameters) may be damaged.'],
      });
    }
    try {
      plaintext = decrypt(
        key,
        {
          iv: Buffer.from(file.iv, 'base64'),
          tag: Buffer.from(file.tag, 'base64'),
          ct: Buffer.from(file.ct, 'base64'),
        },
        keystoreAad({ v: file.v, kdf: { ...kdf, salt: file.kdf.salt }, created: file.created }),
      );
    } catch (err) {
      throw new BaseError('KEYSTORE_INVALID', `The keystore at ${path} is damaged or was altered: its contents do not authenticate.`, {
        cause: err,
      });
    }
  } finally {
    key.fill(0);
  }
  try {
    return wrapPayload(validatePlainPayload(JSON.parse(plaintext.toString('utf8'))));
  } catch (err) {
    // Authenticated but unusable content (written by a buggy tool). Neither the parser's message nor
    // the validation details go into ours: they could quote decrypted secrets.
    throw new BaseError(
      'KEYSTORE_INVALID',
      `The keystore at ${path} decrypts but its content is not valid.`,
      err instanceof BaseError ? { details: err.shortMessage } : {},
    );
  } finally {
    plaintext.fill(0);
  }
}
