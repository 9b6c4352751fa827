import { z } from 'zod';
import type { Config } from './configSchema.js';

/**
 * The settings every exchange rail kind's entry carries when managers move funds between it and the broker (admin
 * moves, treasury top-ups; docs/adding-a-rail.md). A kind spreads these into its own entry schema, and
 * {@link exchangeAccounts} reads them back with the same schema: one definition, one reader, so the rail and the
 * ledger never hold two readings of the same entry.
 */
export const exchangeAccountFields = {
  /** The number admin instructions name (`{"type":"bittrex_to_broker","account":1}`), and its API key's slot in the keystore. */
  account: z.number().int().min(1).max(99),
  /** The memo that credits a deposit from the broker to this account (a move broker → exchange). */
  depositMemo: z.string().min(1),
  /** The chain account the exchange credits deposits to. Unset: the shared `bittrex.depositAccount`. */
  depositAccount: z
    .string()
    .regex(/^[a-z][a-z0-9.-]{1,62}$/, 'must be a BitShares account name (lowercase, 2-63 chars)')
    .optional(),
};

const exchangeFacts = z.object(exchangeAccountFields);

/** The account number a `rails` entry carries when it is an exchange account (it has every exchange field), else undefined. */
export function exchangeAccountOf(entry: unknown): number | undefined {
  const facts = exchangeFacts.safeParse(entry);
  return facts.success ? facts.data.account : undefined;
}

export type ExchangeAccountEntry = { account: number; depositMemo: string; depositAccount: string };

/**
 * The exchange accounts a manager can move funds between and the broker: every `rails` entry with the
 * {@link exchangeAccountFields}, its `depositAccount` defaulting to the shared one. Read from config alone, so the
 * ledger needs no rail built (and no import above it).
 */
export function exchangeAccounts(config: Config): ExchangeAccountEntry[] {
  return config.rails.flatMap((r): ExchangeAccountEntry[] => {
    const facts = exchangeFacts.safeParse(r);
    if (!facts.success) return [];
    const { account, depositMemo, depositAccount } = facts.data;
    return [{ account, depositMemo, depositAccount: depositAccount ?? config.bittrex.depositAccount }];
  });
}
