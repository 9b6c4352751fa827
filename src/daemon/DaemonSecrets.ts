/**
 * The secrets the running daemon needs, as plain strings, built from the unlocked keystore. They stay in the daemon
 * process: it signs chain transactions and Bittrex requests itself, and payment workers receive only what they send
 * (a signed tx, a pre-signed request). Never logged (pino redacts these field names; see src/log.ts).
 */
export type DaemonSecrets = {
  brokerActiveWif: string;
  brokerMemoWif: string;
  bittrex: Array<{ index: 1 | 2 | 3; apiKey: string; apiSecret: string }>;
};
