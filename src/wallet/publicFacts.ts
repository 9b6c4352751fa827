import { publicKeyFromWif } from '../chain/bitshares/keys.js';
import { keystoreFingerprint } from './keystoreFingerprint.js';
import type { Payload } from './keystoreFormat.js';

export type PublicFacts = {
  broker: { account: string; activePublicKey: string; memoPublicKey: string; retiredMemoPublicKeys: string[] };
  bittrex: Array<{ index: 1 | 2 | 3; apiKey: string }>;
  /** {@link keystoreFingerprint}: what fund-move receipts record. */
  fingerprint: string;
};

/**
 * What may be shown about a payload: account name, PUBLIC keys, Bittrex API keys masked to their
 * first 4 characters (enough to tell accounts apart, useless to an attacker). Safe to print or log.
 */
export function publicFacts(payload: Payload): PublicFacts {
  return {
    broker: {
      account: payload.broker.account,
      activePublicKey: publicKeyFromWif(payload.broker.activeWif.reveal()),
      memoPublicKey: publicKeyFromWif(payload.broker.memoWif.reveal()),
      retiredMemoPublicKeys: payload.broker.retiredMemoWifs.map((w) => publicKeyFromWif(w.reveal())),
    },
    bittrex: payload.bittrex.map((b) => ({ index: b.index, apiKey: maskApiKey(b.apiKey.reveal()) })),
    fingerprint: keystoreFingerprint(payload),
  };
}

/** First 4 characters + '…'; a key too short to spare 4 characters is masked entirely. */
export function maskApiKey(key: string): string {
  return key.length >= 12 ? `${key.slice(0, 4)}…` : '…';
}
