import type { PayoutSecrets } from '../payout/index.js';

/**
 * The secrets the running daemon needs, built from the unlocked keystore: exactly what the payout engine signs
 * with. They stay in the daemon process (workers receive only signed txs / pre-signed requests). Never logged.
 */
export type DaemonSecrets = PayoutSecrets;
