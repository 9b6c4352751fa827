import { type Config, exchangeAccounts } from '../config/index.js';
import type { TreasuryFacts } from '../domain/planAdminMove.js';

/**
 * Where treasury moves go, from config (the planners never read the config's shape): the broker, and every configured
 * exchange account by the number admin instructions name.
 */
export function treasuryFacts(config: Config): TreasuryFacts {
  return {
    broker: config.broker,
    depositAccount: config.bittrex.depositAccount,
    accounts: exchangeAccounts(config).map((x) => ({ index: x.account, depositMemo: x.depositMemo, depositAccount: x.depositAccount })),
  };
}
