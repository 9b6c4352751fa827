import type { Config } from '../config/index.js';
import { BaseError } from '../errors/BaseError.js';
import type { PayoutSecrets } from '../payout/index.js';
import type { Payload } from '../wallet/keystoreFormat.js';

/**
 * Picks the secrets the daemon needs out of an unlocked keystore payload (still {@link Secret}-wrapped), after checking that the keystore is
 * for the configured broker and holds an API key for every configured Bittrex account. Messages name accounts
 * and numbers only, never a key.
 * @throws BaseError('AUTH_FAILED')
 */
export function secretsFromPayload(payload: Payload, config: Config): PayoutSecrets {
  if (payload.broker.account !== config.broker) {
    throw new BaseError(
      'AUTH_FAILED',
      `The keystore holds the keys of "${payload.broker.account}", but the config names the broker "${config.broker}".`,
    );
  }
  // The keystore's API keys are the Bittrex accounts' (its format predates rails as plugins).
  for (const entry of config.rails.filter((r) => r.kind === 'bittrex')) {
    const index = (entry as { account?: unknown }).account;
    if (!payload.bittrex.some((b) => b.index === index)) {
      throw new BaseError('AUTH_FAILED', `Bittrex account ${String(index)} is configured but the keystore has no API key for it.`);
    }
  }
  // Still wrapped: revealed only by the signing and HMAC calls that use them.
  return {
    brokerActiveWif: payload.broker.activeWif,
    brokerMemoWif: payload.broker.memoWif,
    brokerRetiredMemoWifs: payload.broker.retiredMemoWifs,
    bittrex: payload.bittrex.map((b) => ({ index: b.index, apiKey: b.apiKey, apiSecret: b.apiSecret })),
  };
}
