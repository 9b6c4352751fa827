import type { WithdrawalLister } from '../exchange/bittrex/findWithdrawalByClientId.js';
import type { ExchangeWithdrawal } from './reconcilePayments.js';

export type FetchWithdrawalsOptions = {
  /** Closed withdrawals completed at or after this time (ms). @default 0 */
  sinceMs?: number;
  /** @default 200 */
  pageSize?: number;
  /** Safety stop. @default 1_000 */
  maxPages?: number;
};

/** One Bittrex account's whole withdrawal history (open list, then every closed page). */
export async function fetchWithdrawals(
  client: WithdrawalLister,
  rail: string,
  options: FetchWithdrawalsOptions = {},
): Promise<ExchangeWithdrawal[]> {
  const { sinceMs = 0, pageSize = 200, maxPages = 1_000 } = options;
  const seen = new Map<string, ExchangeWithdrawal>();
  const keep = (w: Awaited<ReturnType<WithdrawalLister['listOpenWithdrawals']>>[number]) =>
    seen.set(w.id, {
      rail,
      id: w.id,
      clientWithdrawalId: w.clientWithdrawalId,
      quantitySats: w.quantity,
      txCostSats: w.txCost,
      txId: w.txId,
      cryptoAddress: w.cryptoAddress,
      status: w.status,
      time: w.completedAt ?? w.createdAt,
    });
  for (const w of await client.listOpenWithdrawals()) keep(w);
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const items = await client.listClosedWithdrawals({
      startDate: sinceMs,
      pageSize,
      ...(token === undefined ? {} : { nextPageToken: token }),
    });
    // A withdrawal that closed during the scan appears in both lists: the closed status wins.
    for (const w of items) keep(w);
    const last = items.at(-1);
    if (items.length < pageSize || last === undefined) return [...seen.values()];
    token = last.id;
  }
  throw new Error(`${rail}: more than ${maxPages} pages of withdrawals; raise maxPages`);
}
