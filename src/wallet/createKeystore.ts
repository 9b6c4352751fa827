import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BaseError } from '../errors/BaseError.js';
import { deriveKey, encrypt, keystoreAad, passwordCheck, SALT_BYTES } from './keystoreCrypto.js';
import {
  DEFAULT_KDF,
  describeIssues,
  KDF_FLOOR,
  type KdfParams,
  KEYSTORE_VERSION,
  type KeystoreFile,
  kdfParamsSchema,
  meetsKdfFloor,
  type Payload,
  unwrapPayload,
} from './keystoreFormat.js';
import { validatePlainPayload } from './validatePayload.js';

export type WriteKeystoreOptions = {
  /** scrypt parameters; tests pass N = 2^14 for speed. @default DEFAULT_KDF (N = 2^17, r = 8, p = 1) */
  kdf?: KdfParams;
  /** Replace an existing file. @default false */
  overwrite?: boolean;
  /** Creation date recorded in the header (kept across password changes). @default now */
  created?: string;
};

/** Minimum password length accepted for a new keystore. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * Encrypts the payload and writes the keystore file atomically with mode 0600.
 *
 * 1. validate payload (shape, WIFs) and password; 2. scrypt → 32-byte key; 3. AES-256-GCM with a
 * fresh IV and the header as AAD; 4. write a temp file in the same folder (0600, fsync);
 * 5. move it into place: `link` (fails if the target exists) or `rename` when overwriting.
 * Key and plaintext buffers are zeroed once used.
 *
 * @throws BaseError KEYSTORE_EXISTS (target exists, no overwrite), KEY_INVALID (bad payload), USAGE (weak password)
 * @example await writeKeystore('./stakebts.keystore.json', payload, password)
 */
export async function writeKeystore(path: string, payload: Payload, password: string, options: WriteKeystoreOptions = {}): Promise<void> {
  const { kdf = DEFAULT_KDF, overwrite = false, created = new Date().toISOString() } = options;
  // 1. validate
  const kdfParsed = kdfParamsSchema.safeParse(kdf);
  if (!kdfParsed.success) {
    throw new BaseError('USAGE', 'Invalid scrypt parameters.', { details: describeIssues(kdfParsed.error) });
  }
  if (!meetsKdfFloor(kdfParsed.data)) {
    throw new BaseError('USAGE', `scrypt parameters below the floor (N >= ${KDF_FLOOR.N}, r >= ${KDF_FLOOR.r}) are not written.`);
  }
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new BaseError('USAGE', `The keystore password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const plaintext = Buffer.from(JSON.stringify(validatePlainPayload(unwrapPayload(payload))), 'utf8');
  const params = { N: kdf.N, r: kdf.r, p: kdf.p };

  // 2-3. derive and encrypt
  const salt = randomBytes(SALT_BYTES);
  const header = { v: KEYSTORE_VERSION, kdf: { ...params, salt: salt.toString('base64') }, created };
  let file: KeystoreFile;
  const key = await deriveKey(password, salt, params);
  try {
    const { iv, tag, ct } = encrypt(key, plaintext, keystoreAad(header));
    file = {
      v: KEYSTORE_VERSION,
      kdf: { name: 'scrypt', ...header.kdf },
      cipher: 'aes-256-gcm',
      created,
      check: passwordCheck(key, salt).toString('base64'),
      iv: iv.toString('base64'),
      tag: tag.toString('base64'),
      ct: ct.toString('base64'),
    };
  } finally {
    key.fill(0);
    plaintext.fill(0);
  }

  // 4-5. atomic write
  await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, overwrite);
}

async function writeFileAtomic(path: string, text: string, overwrite: boolean): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600).catch((err: NodeJS.ErrnoException) => {
    throw new BaseError('USAGE', `Cannot write the keystore in ${dir} (${err.code ?? 'error'}).`, { cause: err });
  });
  try {
    // The umask can only remove bits, but be explicit: a keystore is readable by its owner only.
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await handle.close();
  try {
    if (overwrite) {
      await rename(tmp, path);
    } else {
      // link() refuses an existing target atomically, unlike an exists-check followed by rename().
      try {
        await link(tmp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new BaseError('KEYSTORE_EXISTS', `A keystore already exists at ${path}; refusing to overwrite it.`, {
            cause: err,
          });
        }
        throw err;
      }
    }
  } finally {
    await unlink(tmp).catch(() => {});
  }
  await syncDir(dir);
}

/** fsync the folder so the rename itself survives a power cut (best effort: not every FS allows it). */
async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the data file itself is already synced.
  }
}
