// The names of the simulated desk's accounts, apart from the key and file code of simDeskFiles.ts: the CLI's command
// definitions show them in --help without loading zod or the chain keys.
/** The broker of the simulated desk. */
export const SIM_BROKER = 'stakebts-broker';
/** The exchange's BitShares account: deposits go to it, its hot wallet sends the withdrawals. */
export const SIM_EXCHANGE_ACCOUNT = 'bittrex-deposit';
/** A manager whose admin memos the desk obeys. */
export const SIM_MANAGER = 'desk-manager';
/** Clients, each funded with BTS and USD on the chain simulator. */
export const SIM_CLIENTS = ['alice', 'bob', 'carol'] as const;

/** Every account `sim up` creates on the chain simulator, in creation order (so their ids are the same every run). */
export const SIM_ACCOUNTS: readonly string[] = [SIM_BROKER, SIM_EXCHANGE_ACCOUNT, SIM_MANAGER, ...SIM_CLIENTS];
