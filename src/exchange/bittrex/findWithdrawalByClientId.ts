import type { Withdrawal } from './schemas.js';

/** Bittrex caps `GET /withdrawals/open` at 1000 entries without paging. */
export const OPEN_LIST_CAP = 1000;

export type WithdrawalLister = {
  listOpenWithdrawals(): Promise<Withdrawal[]>;
  listClosedWithdrawals(p: { startDate?: number; pageSize?: number; nextPageToken?: string }): Promise<Withdrawal[]>;
};

export type FindWithdrawalByClientIdOptions = {
  /** Earliest time the withdrawal can have been created (intent time minus a margin), ms. */
  sinceMs: number;
  /** Closed-list page size (1–200). @default 200 */
  pageSize?: number;
  /** Safety stop on the number of closed pages read. @default 100 */
  maxPages?: number;
};

/**
 * Finds the withdrawal carrying `clientWithdrawalId` in the account's history (there is no GET by client id).
 * 1. The open list first, then the closed pages: a withdrawal only moves open → closed, so this order
 *    cannot miss one that changes state during the scan.
 * 2. Closed pages from `startDate` = sinceMs floored to the second (the filter applies to completedAt,
 *    which is never before creation).
 * Returns null only when both lists were read completely; any failed call, a full open list (capped,
 * so possibly truncated) or the page limit gives `'unknown'`.
 */
export async function findWithdrawalByClientId(
  lister: WithdrawalLister,
  clientWithdrawalId: string,
  options: FindWithdrawalByClientIdOptions,
): Promise<Withdrawal | null | 'unknown'> {
  const { sinceMs, pageSize = 200, maxPages = 100 } = options;
  const wanted = clientWithdrawalId.toLowerCase();
  const matches = (w: Withdrawal) => w.clientWithdrawalId?.toLowerCase() === wanted;
  try {
    const open = await lister.listOpenWithdrawals();
    const hit = open.find(matches);
    if (hit) return hit;
    let token: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const items = await lister.listClosedWithdrawals({
        startDate: Math.floor(sinceMs / 1000) * 1000,
        pageSize,
        ...(token === undefined ? {} : { nextPageToken: token }),
      });
      const found = items.find(matches);
      if (found) return found;
      const last = items.at(-1);
      if (items.length < pageSize || last === undefined) return open.length >= OPEN_LIST_CAP ? 'unknown' : null;
      token = last.id;
    }
    return 'unknown';
  } catch {
    return 'unknown';
  }
}
