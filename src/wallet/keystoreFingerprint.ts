import { createHash } from 'node:crypto';
import { publicKeyFromWif } from '../chain/bitshares/keys.js';
import type { Payload } from './keystoreFormat.js';

/**
 * The keystore's public fingerprint: sha256 over what identifies its keys and nothing that unlocks them: the broker
 * account, the broker's active and memo PUBLIC keys, and for each Bittrex account its number and the sha256 of its
 * API key id. Recorded in the receipt of every fund move made from the CLI (which keystore authorised it), shown by
 * `keys list` so a manager can compare. Changing the password keeps it; changing any key changes it.
 * @returns 64 hex characters
 */
export function keystoreFingerprint(payload: Payload): string {
  const facts = {
    v: 1,
    broker: payload.broker.account,
    active: publicKeyFromWif(payload.broker.activeWif.reveal()),
    memo: publicKeyFromWif(payload.broker.memoWif.reveal()),
    bittrex: payload.bittrex.map((b) => [b.index, createHash('sha256').update(b.apiKey.reveal()).digest('hex')]),
  };
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex');
}
