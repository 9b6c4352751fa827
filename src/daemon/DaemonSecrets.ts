/**
 * The secrets the running daemon needs, as plain strings: built from the unlocked keystore, passed to payment
 * workers over IPC only. Never logged (pino redacts these field names; see src/log.ts).
 */
export type DaemonSecrets = {
  brokerActiveWif: string;
  brokerMemoWif: string;
  bittrex: Array<{ index: 1 | 2 | 3; apiKey: string; apiSecret: string }>;
};
