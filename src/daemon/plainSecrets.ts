import type { PayoutSecrets } from '../payout/index.js';
import { Secret } from '../wallet/Secret.js';

// The running daemon's secrets are the payout engine's (PayoutSecrets): built from the unlocked keystore, each a Secret
// until the call that signs with it, never handed to a worker, never logged. This module is only their hand-over to a
// forked daemon, the one place they travel in clear.

/** The same secrets as plain strings: only the shape they cross the IPC channel to a forked daemon in. */
export type PlainSecrets = {
  brokerActiveWif: string;
  brokerMemoWif: string;
  brokerRetiredMemoWifs?: string[] | undefined;
  exchangeKeys: Array<{ account: number; apiKey: string; apiSecret: string }>;
};

/** Wraps secrets received in plain form (the forked daemon's start message), before anything else sees them. */
export function wrapPlainSecrets(plain: PlainSecrets): PayoutSecrets {
  return {
    brokerActiveWif: new Secret(plain.brokerActiveWif),
    brokerMemoWif: new Secret(plain.brokerMemoWif),
    brokerRetiredMemoWifs: (plain.brokerRetiredMemoWifs ?? []).map((w) => new Secret(w)),
    exchangeKeys: plain.exchangeKeys.map((k) => ({ account: k.account, apiKey: new Secret(k.apiKey), apiSecret: new Secret(k.apiSecret) })),
  };
}

/**
 * Reveals the secrets for the one hand-over that needs them in clear: the IPC message to a forked daemon (the demo;
 * a Secret would arrive as "[REDACTED]"). Never for a log, an error, argv or env.
 */
export function revealForHandOver(secrets: PayoutSecrets): PlainSecrets {
  return {
    brokerActiveWif: secrets.brokerActiveWif.reveal(),
    brokerMemoWif: secrets.brokerMemoWif.reveal(),
    brokerRetiredMemoWifs: (secrets.brokerRetiredMemoWifs ?? []).map((w) => w.reveal()),
    exchangeKeys: secrets.exchangeKeys.map((k) => ({ account: k.account, apiKey: k.apiKey.reveal(), apiSecret: k.apiSecret.reveal() })),
  };
}
