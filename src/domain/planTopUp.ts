/**
 * The broker-first treasury (payout.mode "topup"): all payouts come from the broker account, and when it is low the
 * desk pulls from the exchange accounts to it (the product's own words). Pure: what to withdraw, from which exchange
 * accounts, given what the broker holds and what falls due.
 */
export type TopUpInput = {
  /** What the broker holds now, satoshis. */
  brokerSats: bigint;
  /** What the broker must pay within the cover window (due rows without a payment yet + payments not yet paid). */
  dueSats: bigint;
  /** Top-ups already on their way to the broker. */
  inFlightSats: bigint;
  /** Exchange rails in config order, with what each can send now (after its own withdrawal fee). */
  exchanges: ReadonlyArray<{ rail: string; spendableSats: bigint }>;
  /** The most one cycle may move to the broker (payout.maxTopUpBts). */
  maxSats: bigint;
};

export type TopUpPlan = {
  shortfallSats: bigint;
  /** Withdrawals to make, in order; empty when the broker covers what is due (or nothing can be moved). */
  moves: Array<{ rail: string; amountSats: bigint }>;
  /** Part of the shortfall no exchange account can cover: clients are told (support notice) when their payment waits. */
  uncoveredSats: bigint;
};

export function planTopUp(i: TopUpInput): TopUpPlan {
  const shortfall = i.dueSats - i.brokerSats - i.inFlightSats;
  if (shortfall <= 0n) return { shortfallSats: 0n, moves: [], uncoveredSats: 0n };
  let left = shortfall < i.maxSats ? shortfall : i.maxSats;
  const moves: TopUpPlan['moves'] = [];
  for (const x of i.exchanges) {
    if (left <= 0n) break;
    if (x.spendableSats <= 0n) continue;
    const amount = x.spendableSats < left ? x.spendableSats : left;
    moves.push({ rail: x.rail, amountSats: amount });
    left -= amount;
  }
  const moved = moves.reduce((s, m) => s + m.amountSats, 0n);
  return { shortfallSats: shortfall, moves, uncoveredSats: shortfall - moved };
}
