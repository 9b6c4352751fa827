import { isValidWif } from '../chain/bitshares/keys.js';
import { BaseError } from '../errors/BaseError.js';
import { describeIssues, type PlainPayload, plainPayloadSchema } from './keystoreFormat.js';

/**
 * Validates a plain payload: shape (zod) and every WIF decodes to a private key.
 * Messages name the field at fault, never its value.
 * @throws BaseError('KEY_INVALID')
 */
export function validatePlainPayload(input: unknown): PlainPayload {
  const parsed = plainPayloadSchema.safeParse(input);
  if (!parsed.success) {
    throw new BaseError('KEY_INVALID', 'The keystore content is not valid.', { details: describeIssues(parsed.error) });
  }
  const plain = parsed.data;
  if (!isValidWif(plain.broker.activeWif)) {
    throw new BaseError('KEY_INVALID', 'The broker active key is not a valid WIF private key.');
  }
  if (!isValidWif(plain.broker.memoWif)) {
    throw new BaseError('KEY_INVALID', 'The broker memo key is not a valid WIF private key.');
  }
  plain.broker.retiredMemoWifs?.forEach((wif, i) => {
    if (!isValidWif(wif)) throw new BaseError('KEY_INVALID', `Retired memo key ${i + 1} is not a valid WIF private key.`);
  });
  return plain;
}
