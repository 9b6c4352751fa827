import { type Config, exchangeAccounts } from '../config/index.js';
import { BaseError } from '../errors/BaseError.js';
import type { PayoutSecrets } from '../payout/index.js';
import { exchangeKeysOf, type Payload } from '../wallet/keystoreFormat.js';

/**
 * Picks the secrets the daemon needs out of an unlocked keystore payload (still {@link Secret}-wrapped), after checking that the keystore is
 * for the configured broker and holds an API key for every configured exchange account. Messages name accounts
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
  const exchangeKeys = exchangeKeysOf(payload);
  for (const { account } of exchangeAccounts(config)) {
    if (!exchangeKeys.some((k) => k.account === account)) {
      throw new BaseError('AUTH_FAILED', `Exchange account ${account} is configured but the keystore has no API key for it.`);
    }
  }
  // Still wrapped: revealed only by the signing and HMAC calls that use them.
  return {
    brokerActiveWif: payload.broker.activeWif,
    brokerMemoWif: payload.broker.memoWif,
    brokerRetiredMemoWifs: payload.broker.retiredMemoWifs,
    exchangeKeys,
  };
}
