import { brokerLiability } from '../db/liabilities.js';
import { insertTopUp, openTopUps } from '../db/treasuryTopUps.js';
import { btsToSats, formatBts } from '../domain/money.js';
import { FUNDING_MEMO } from '../domain/paymentMemos.js';
import { planTopUp } from '../domain/planTopUp.js';
import { BROKER_RAIL } from './rails/broker/brokerRail.js';
import type { EngineContext } from './types.js';

export type TopUpReport = { pending: boolean; queued: number; uncoveredSats: bigint };

/**
 * The broker-first treasury (payout.mode "topup"), before a cycle sends: when the broker cannot cover what falls due
 * within terms.coverDays, the shortfall (capped by payout.maxTopUpBts) is withdrawn from the exchange accounts to the
 * broker, as payment intents over the same attempt machinery as the admin moves (exactly once, receipted). One round at
 * a time: while a top-up is on its way, nothing new is planned.
 */
export async function topUpBroker(ctx: EngineContext): Promise<TopUpReport> {
  const exchanges = ctx.rails.all.filter((r) => r.exchange !== undefined && r.usable());
  const none: TopUpReport = { pending: false, queued: 0, uncoveredSats: 0n };
  if (ctx.config.payout.mode !== 'topup' || exchanges.length === 0) return none;
  const open = openTopUps(ctx.db);
  if (open.length > 0) return { ...none, pending: true };
  const broker = ctx.rails.get(BROKER_RAIL);
  if (!broker) return none;
  let brokerSats: bigint;
  try {
    brokerSats = await broker.balance();
  } catch {
    return none; // the chain decides next cycle
  }
  const liability = brokerLiability(ctx.db, ctx.libNow, ctx.config.terms.coverDays, -1, { notSentOnly: true });
  const { untilMs } = liability;
  // Each payment also costs the broker a chain fee: a top-up that left it exactly the amounts would still be short.
  let fees: bigint;
  try {
    fees = (await broker.feesFor?.(liability.payments)) ?? 0n;
  } catch (err) {
    ctx.logger.warn(
      { err: err instanceof Error ? err.message.split('\n')[0] : String(err) },
      'could not read the chain fee; top-up left for the next cycle',
    );
    return none;
  }
  const dueSats = liability.dueSats + fees;
  if (dueSats <= brokerSats) return none;
  const spendable = await Promise.all(exchanges.map((r) => r.balance().catch(() => 0n)));
  const plan = planTopUp({
    brokerSats,
    dueSats,
    inFlightSats: 0n,
    exchanges: exchanges.map((r, i) => ({ rail: r.name, spendableSats: spendable[i]! })),
    maxSats: btsToSats(ctx.config.payout.maxTopUpBts),
  });
  let queued = 0;
  for (const m of plan.moves) {
    const t = insertTopUp(ctx.db, {
      rail: m.rail,
      amountSats: m.amountSats,
      broker: ctx.brokerAccount,
      memo: FUNDING_MEMO,
      shortfallSats: plan.shortfallSats,
      dueSats,
      brokerSats,
      coverUntil: untilMs,
    });
    if (t.created) queued++;
  }
  if (queued > 0) {
    ctx.logger.info(
      { shortfall: formatBts(plan.shortfallSats), moves: plan.moves.map((m) => [m.rail, formatBts(m.amountSats)]) },
      'broker short of what falls due: top-up from the exchange accounts queued',
    );
  }
  if (plan.uncoveredSats > 0n) {
    ctx.logger.warn({ uncovered: formatBts(plan.uncoveredSats) }, 'the exchange accounts cannot cover the broker’s shortfall');
  }
  return { pending: queued > 0, queued, uncoveredSats: plan.uncoveredSats };
}
