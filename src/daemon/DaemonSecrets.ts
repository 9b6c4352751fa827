import type { PayoutSecrets } from '../payout/index.js';
import { Secret } from '../wallet/Secret.js';

/**
 * The secrets the running daemon needs, built from the unlocked keystore: exactly what the payout engine signs
 * with, each a {@link Secret} until the call that signs with it. They stay in the daemon process (workers receive
 * only signed txs / pre-signed requests). Never logged.
 */
export type DaemonSecrets = PayoutSecrets;

/** The same secrets as plain strings: only the shape they cross the IPC channel to a forked daemon in. */
export type PlainDaemonSecrets = {
  brokerActiveWif: string;
  brokerMemoWif: string;
  bittrex: Array<{ index: 1 | 2 | 3; apiKey: string; apiSecret: string }>;
};

/** Wraps secrets received in plain form (the forked daemon's start message), before anything else sees them. */
export function wrapDaemonSecrets(plain: PlainDaemonSecrets): DaemonSecrets {
  return {
    brokerActiveWif: new Secret(plain.brokerActiveWif),
    brokerMemoWif: new Secret(plain.brokerMemoWif),
    bittrex: plain.bittrex.map((b) => ({ index: b.index, apiKey: new Secret(b.apiKey), apiSecret: new Secret(b.apiSecret) })),
  };
}

/**
 * Reveals the secrets for the one hand-over that needs them in clear: the IPC message to a forked daemon (the demo;
 * a Secret would arrive as "[REDACTED]"). Never for a log, an error, argv or env.
 */
export function revealDaemonSecrets(secrets: DaemonSecrets): PlainDaemonSecrets {
  return {
    brokerActiveWif: secrets.brokerActiveWif.reveal(),
    brokerMemoWif: secrets.brokerMemoWif.reveal(),
    bittrex: secrets.bittrex.map((b) => ({ index: b.index as 1 | 2 | 3, apiKey: b.apiKey.reveal(), apiSecret: b.apiSecret.reveal() })),
  };
}
