import type { Config } from '../config/index.js';
import type { TreasuryFacts } from '../domain/planAdminMove.js';

/** Where treasury moves go, from config (the planners never read the config's shape). */
export function treasuryFacts(config: Config): TreasuryFacts {
  return {
    broker: config.broker,
    depositAccount: config.bittrex.depositAccount,
    accounts: config.bittrex.accounts.map((a) => ({ index: a.index, depositMemo: a.depositMemo })),
  };
}
