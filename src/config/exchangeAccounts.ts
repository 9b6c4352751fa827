import type { Config } from './configSchema.js';

export type ExchangeAccountEntry = { account: number; depositMemo: string; depositAccount: string };

/**
 * The exchange accounts a manager can move funds between and the broker: every `rails` entry that names an `account`
 * number and a `depositMemo` (the convention of exchange rail kinds, docs/adding-a-rail.md), with its `depositAccount`
 * or the shared default. Read from config alone, so the ledger needs no rail built (and no import above it).
 */
export function exchangeAccounts(config: Config): ExchangeAccountEntry[] {
  return config.rails.flatMap((r): ExchangeAccountEntry[] => {
    const { account, depositMemo, depositAccount } = r as { account?: unknown; depositMemo?: unknown; depositAccount?: unknown };
    if (typeof account !== 'number' || typeof depositMemo !== 'string') return [];
    return [{ account, depositMemo, depositAccount: typeof depositAccount === 'string' ? depositAccount : config.bittrex.depositAccount }];
  });
}
