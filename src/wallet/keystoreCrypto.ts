import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { type KdfParams, SCRYPT_MAXMEM } from './keystoreFormat.js';

/** Lengths fixed by the format (bytes). */
export const KEY_BYTES = 32;
export const SALT_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const CHECK_BYTES = 16;

/**
 * scrypt through the async (thread-pool) API, so a 0.5 s derivation does not block the event loop.
 * The password is NFKC-normalised so the same typed characters always give the same key, whatever
 * the terminal's Unicode composition; the password buffer is zeroed afterwards.
 */
export async function deriveKey(password: string, salt: Buffer, kdf: KdfParams): Promise<Buffer> {
  const pw = Buffer.from(password.normalize('NFKC'), 'utf8');
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(pw, salt, KEY_BYTES, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: SCRYPT_MAXMEM }, (err, key) =>
        err ? reject(err) : resolve(key),
      );
    });
  } finally {
    pw.fill(0);
  }
}

/**
 * Password check value: HKDF of the derived key under its own label, so it reveals nothing about the
 * encryption key and lets us say "wrong password" instead of "damaged file" with confidence.
 */
export function passwordCheck(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, 'stakebts keystore v1 password check', CHECK_BYTES));
}

/** Constant-time comparison of two check values. */
export function checkMatches(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Additional authenticated data: names the format, its purpose and every header field, so a header
 * edited after writing (created date, kdf params, salt) fails authentication.
 */
export function keystoreAad(header: { v: number; kdf: KdfParams & { salt: string }; created: string }): Buffer {
  const { N, r, p, salt } = header.kdf;
  return Buffer.from(
    `stakebts-keystore|v=${header.v}|purpose=broker-and-bittrex-keys|kdf=scrypt:${N}:${r}:${p}:${salt}|created=${header.created}`,
    'utf8',
  );
}

/** AES-256-GCM encryption with a fresh random IV. */
export function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; tag: Buffer; ct: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ct };
}

/**
 * AES-256-GCM decryption. Throws when the tag does not authenticate (wrong key or altered data);
 * no plaintext is ever returned in that case.
 */
export function decrypt(key: Buffer, parts: { iv: Buffer; tag: Buffer; ct: Buffer }, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, parts.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(parts.tag);
  return Buffer.concat([decipher.update(parts.ct), decipher.final()]);
}
