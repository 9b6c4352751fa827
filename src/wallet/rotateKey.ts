import { publicKeyFromWif } from '../chain/bitshares/keys.js';
import { BaseError } from '../errors/BaseError.js';
import { writeKeystore } from './createKeystore.js';
import { MAX_RETIRED_MEMO_KEYS, type Payload, unwrapPayload, wrapPayload } from './keystoreFormat.js';
import { openKeystore } from './openKeystore.js';
import { readKeystoreFile } from './readKeystoreFile.js';
import type { Secret } from './Secret.js';
import { validatePlainPayload } from './validatePayload.js';

export type RotatedKey = 'memo' | 'active';

/**
 * The payload with one broker key replaced, every other key as it was. A replaced memo key is kept, newest first,
 * in `retiredMemoWifs` (memos encrypted to it still decrypt); a replaced active key is dropped: it signs nothing any
 * more and a copy of it is only a liability. A new memo key that was retired before comes back out of the list.
 * @throws BaseError('USAGE') when the new key is the current one, ('KEY_INVALID') when it is not a WIF
 */
export function rotateKey(payload: Payload, which: RotatedKey, newWif: Secret): Payload {
  const plain = unwrapPayload(payload);
  const next = newWif.reveal();
  const newPub = publicKeyFromWif(next);
  if (which === 'memo') {
    if (publicKeyFromWif(plain.broker.memoWif) === newPub) {
      throw new BaseError('USAGE', `${newPub} is already the memo key in the keystore; nothing changed.`);
    }
    const retired = [plain.broker.memoWif, ...(plain.broker.retiredMemoWifs ?? [])].filter((w) => publicKeyFromWif(w) !== newPub);
    const unique = retired.filter((w, i) => retired.findIndex((o) => publicKeyFromWif(o) === publicKeyFromWif(w)) === i);
    plain.broker = { ...plain.broker, memoWif: next, retiredMemoWifs: unique.slice(0, MAX_RETIRED_MEMO_KEYS) };
  } else {
    if (publicKeyFromWif(plain.broker.activeWif) === newPub) {
      throw new BaseError('USAGE', `${newPub} is already the active key in the keystore; nothing changed.`);
    }
    plain.broker = { ...plain.broker, activeWif: next };
  }
  return wrapPayload(validatePlainPayload(plain));
}

export type RotateKeystoreKeyOptions = { which: RotatedKey; newWif: Secret; password: string };

/**
 * Replaces one broker key in the keystore file: opens it with the password (a wrong one changes nothing), replaces
 * the key (rotateKey) and writes the file again atomically under the same password, scrypt parameters and creation
 * date, in today's format (v2). The chain is not asked here: the next `start` checks the keys against the broker's
 * account as always (active authority, memo key, no owner key) and refuses a key that does not match.
 * @returns the public keys before and after
 */
export async function rotateKeystoreKey(
  path: string,
  { which, newWif, password }: RotateKeystoreKeyOptions,
): Promise<{ before: string; after: string; retiredMemoKeys: string[] }> {
  const { file, kdf } = await readKeystoreFile(path);
  const payload = await openKeystore(path, password);
  const rotated = rotateKey(payload, which, newWif);
  const key = (p: Payload) => publicKeyFromWif((which === 'memo' ? p.broker.memoWif : p.broker.activeWif).reveal());
  await writeKeystore(path, rotated, password, { kdf, overwrite: true, created: file.created });
  return {
    before: key(payload),
    after: key(rotated),
    retiredMemoKeys: rotated.broker.retiredMemoWifs.map((w) => publicKeyFromWif(w.reveal())),
  };
}
