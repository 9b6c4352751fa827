import type { WithdrawalLister } from '../../../exchange/bittrex/findWithdrawalByClientId.js';
import type { RailWithdrawal, RailWithdrawalOutcome } from '../Rail.js';

/**
 * Bittrex's withdrawal statuses as the audits read them (reference/bittrex-v3.md): COMPLETED is paid; CANCELLED and
 * ERROR_INVALID_ADDRESS moved no money (the latter waits in the open list for a DELETE, but is never sent); every
 * other status (NEW, REQUESTED, AUTHORIZED, PENDING, or one Bittrex adds later) is still on its way.
 */
export function bittrexWithdrawalOutcome(status: string): RailWithdrawalOutcome {
  if (status === 'COMPLETED') return 'paid';
  if (status === 'CANCELLED' || status.startsWith('ERROR')) return 'void';
  return 'pending';
}

export type ListBittrexWithdrawalsOptions = {
  /** Closed withdrawals completed at or after this time (ms). @default 0 */
  sinceMs?: number;
  /** Closed withdrawals completed at or before this time (ms). @default no limit */
  untilMs?: number;
  /** @default 200 */
  pageSize?: number;
  /** Safety stop. @default 1_000 */
  maxPages?: number;
};

/**
 * One Bittrex account's withdrawal history (open list, then every closed page from `sinceMs`), the read side of the
 * rail for audits. The open list is always read whole: those withdrawals are in flight whatever the window.
 */
export async function listBittrexWithdrawals(
  client: WithdrawalLister,
  rail: string,
  options: ListBittrexWithdrawalsOptions = {},
): Promise<RailWithdrawal[]> {
  const { sinceMs = 0, untilMs, pageSize = 200, maxPages = 1_000 } = options;
  const seen = new Map<string, RailWithdrawal>();
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
      outcome: bittrexWithdrawalOutcome(w.status),
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
    if (items.length < pageSize || last === undefined) return [...seen.values()].filter(closedBy(untilMs));
    token = last.id;
  }
  throw new Error(`${rail}: more than ${maxPages} pages of withdrawals; raise maxPages`);
}

/** Keeps open withdrawals, and closed ones completed by `untilMs`. */
const closedBy =
  (untilMs: number | undefined) =>
  (w: RailWithdrawal): boolean =>
    untilMs === undefined || w.outcome === 'pending' || (w.time ?? 0) <= untilMs;
