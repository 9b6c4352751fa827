import type { ChainAccount } from '../chain/nodeClient/index.js';

export type AccountState = 'exists' | 'missing' | 'not_checked';

export type AccountCheck = {
  /** Whether the chain answered for every name. */
  checked: boolean;
  /** Per name, in first-seen order. */
  accounts: Array<{ name: string; state: AccountState; id: string | null }>;
  /** Why nothing was checked (no node reachable, or the operator skipped the check). */
  reason: string | null;
};

/** The node's `get_accounts` limit is small (bitshares-core api_limit_get_accounts); 10 names a call stays under it. */
const BATCH = 10;

/**
 * Whether each legacy account exists on chain: a payment to a name that does not exist would fail (or, worse, a
 * typo could name someone else's account later registered). `lookup` is the node's get_accounts (null: the operator
 * skipped the check). A failed call means nothing is known: every account is `not_checked` and `reason` says why.
 */
export async function checkLegacyAccounts(
  names: readonly string[],
  lookup: ((names: string[]) => Promise<(ChainAccount | null)[]>) | null,
): Promise<AccountCheck> {
  const unique = [...new Set(names)];
  const notChecked = (reason: string): AccountCheck => ({
    checked: false,
    accounts: unique.map((name) => ({ name, state: 'not_checked', id: null })),
    reason,
  });
  if (lookup === null) return notChecked('skipped (--no-account-check)');
  const accounts: AccountCheck['accounts'] = [];
  try {
    for (let i = 0; i < unique.length; i += BATCH) {
      const batch = unique.slice(i, i + BATCH);
      const found = await lookup(batch);
      batch.forEach((name, j) => {
        const a = found[j] ?? null;
        // The node answers by name; an answer for another name is no answer for this one.
        const exists = a !== null && a.name === name;
        accounts.push({ name, state: exists ? 'exists' : 'missing', id: exists ? a.id : null });
      });
    }
  } catch (err) {
    return notChecked(`no node answered (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`);
  }
  return { checked: true, accounts, reason: null };
}
