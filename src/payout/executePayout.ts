import { accountOfAdminPayment } from '../db/adminActions.js';
import { appendAlarm } from '../db/alarms.js';
import { brokerLiability } from '../db/liabilities.js';
import { deferPending, payoutFailed, retryPendingLater } from '../db/paymentTransitions.js';
import { insertPayoutIntent, type PayoutRow } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import { railOfTopUp } from '../db/treasuryTopUps.js';
import { btsToSats, formatBts, SATS_PER_BTS } from '../domain/money.js';
import { supportNoticeMemo } from '../domain/paymentMemos.js';
import { BROKER_RAIL } from './rails/broker/brokerRail.js';
import type { Rail } from './rails/Rail.js';
import type { EngineContext, RailResult } from './types.js';
import { runJob } from './workerJobs.js';

export type ExecuteOutcome = 'sent' | 'ambiguous' | 'deferred' | 'retry' | 'failed' | 'skipped';

/** "5000" for whole BTS, "5000.5" otherwise: the amount as a client reads it. */
function btsText(sats: bigint): string {
  return sats % SATS_PER_BTS === 0n ? (sats / SATS_PER_BTS).toString() : formatBts(sats).replace(/0+$/, '');
}

const CLIENT_PURPOSES = new Set(['contract_receipt', 'interest', 'principal', 'stop', 'refund']);

/**
 * The rails a payment may use, in order. Admin moves are pinned: a move from an exchange account to the broker goes
 * over that exchange account only, a move to an exchange account over the broker only. Everything else follows
 * `rails`. A halted rail is skipped.
 */
export function railsFor(ctx: EngineContext, p: PayoutRow): Rail[] {
  const pinned =
    p.purpose === 'broker_to_bittrex'
      ? [ctx.rails.get(BROKER_RAIL)]
      : p.purpose === 'bittrex_to_broker'
        ? [topUpRail(ctx, p)]
        : ctx.config.payout.mode === 'topup'
          ? // Broker-first: clients are paid from the broker; the exchange accounts fill the broker (treasury.ts).
            ctx.rails.all.filter((r) => r.exchange === undefined)
          : ctx.rails.all;
  return pinned.filter((r): r is Rail => r !== undefined && r.usable());
}

/** A move to the broker goes over the exchange rail it was made for: a treasury top-up's, or the instruction's account. */
function topUpRail(ctx: EngineContext, p: PayoutRow): Rail | undefined {
  const rail = railOfTopUp(ctx.db, p.id);
  return rail !== null ? ctx.rails.get(rail) : ctx.rails.exchange(accountOfAdminPayment(ctx.db, p.id) ?? 0);
}

/** One attempt on one rail: prepare (committed before the fork), the worker's job, and the rail's reading of its report. */
async function attemptOn(ctx: EngineContext, rail: Rail, p: PayoutRow): Promise<RailResult> {
  const prepared = await rail.prepare(p);
  if (prepared.kind !== 'prepared') return prepared;
  const report = await runJob(ctx.runner, prepared.job);
  const result = await rail.interpret(p, prepared.attempt, report, 'execute');
  if (result.kind === 'rejected' || result.kind === 'retry') prepared.release?.();
  return result;
}

/**
 * One round of a pending payment over its rails, in order. Stops at the first rail that took it (sent), at an
 * ambiguous outcome (no failover: the same rail resolves it) or at a "try later" answer; moves on only after a
 * definite "not sent". When every rail refused: client payments stay pending with doubling backoff and, if the
 * rails were short of funds, the client gets ONE support notice; admin moves fail (receipted), never linger.
 */
export async function executePayout(ctx: EngineContext, p: PayoutRow): Promise<ExecuteOutcome> {
  const { db, config } = ctx;
  if (p.purpose === 'broker_to_bittrex') {
    const refused = await liabilityRefusal(ctx, p);
    if (refused === 'unknown') return 'retry';
    if (refused) return 'failed';
  }
  const rails = railsFor(ctx, p);
  const refusals: Array<Extract<RailResult, { kind: 'rejected' }>> = [];
  for (const rail of rails) {
    const r = await attemptOn(ctx, rail, p);
    if (r.kind === 'sent') return 'sent';
    if (r.kind === 'ambiguous') return 'ambiguous';
    if (r.kind === 'retry') {
      retryPendingLater(db, p.id, Date.now() + r.afterMs, `${r.rail}: ${r.code}`);
      return 'retry';
    }
    if (r.cause === 'payment') return paymentRefused(ctx, p, r);
    refusals.push(r);
    if (r.code === 'NOT_PENDING') return 'skipped';
  }
  const summary = refusals.map((r) => `${r.rail}: ${r.code}`).join('; ') || 'no rail configured';
  if (!CLIENT_PURPOSES.has(p.purpose) && p.purpose !== 'support_notice') {
    payoutFailed(db, p, 'payout_failed', { reason: `every rail refused: ${summary}`, refusals: refusals.map((r) => [r.rail, r.code]) });
    return 'failed';
  }
  // A top-up on its way to the broker will cover it: the client is not told the desk is short.
  const shortOfFunds = refusals.some((r) => r.cause === 'funds') && refusals.every((r) => r.cause !== 'other') && !ctx.topUpPending;
  const delay = Math.min(config.payout.retryBackoffMs * 2 ** Math.min(p.attempts, 30), config.payout.maxBackoffMs);
  const retryAt = Date.now() + delay;
  db.transaction(() => {
    if (!deferPending(db, p.id, retryAt, summary)) return;
    appendReceipt(db, p.contract_id ?? 0, {
      event: 'payout_deferred',
      payoutId: p.id,
      purpose: p.purpose,
      user: p.recipient,
      amountSats: p.amount_sats,
      refusals: refusals.map((r) => [r.rail, r.code]),
      shortOfFunds,
      retryAt,
    });
    if (shortOfFunds && CLIENT_PURPOSES.has(p.purpose)) {
      // One notice per payment, ever: the source key makes a second insert a no-op.
      const notice = insertPayoutIntent(db, {
        sourceKey: `notice:${p.source_key}`,
        purpose: 'support_notice',
        contractId: p.contract_id,
        stakeId: null,
        recipient: p.recipient,
        recipientId: p.recipient_id,
        amountSats: btsToSats(config.terms.supportNoticeAmount),
        memo: supportNoticeMemo({
          payoutId: p.id,
          amountText: btsText(BigInt(p.amount_sats)),
          purpose: p.purpose,
          contact: config.supportContact,
        }),
      });
      if (notice.created) {
        appendReceipt(db, p.contract_id ?? 0, {
          event: 'support_notice_queued',
          payoutId: p.id,
          noticePayoutId: notice.id,
          user: p.recipient,
        });
      }
    }
  }).immediate();
  ctx.logger.warn({ payoutId: p.id, refusals: summary, retryAt }, 'payment deferred: every rail refused');
  return 'deferred';
}

/**
 * A rail refused the payment for what it is (the recipient does not exist or may not hold the asset, the memo is too
 * large): another rail would refuse it too, or worse, take it and get stuck. The payment fails with a receipt and an
 * alarm for the operator; its row stays owed, to be settled by hand.
 */
function paymentRefused(ctx: EngineContext, p: PayoutRow, r: Extract<RailResult, { kind: 'rejected' }>): ExecuteOutcome {
  const facts = { rail: r.rail, code: r.code, reason: r.reason ?? r.code };
  ctx.db
    .transaction(() => {
      if (!payoutFailed(ctx.db, p, 'payout_failed', facts)) return;
      appendAlarm(ctx.db, p.contract_id ?? 0, 'payment_refused', {
        payoutId: p.id,
        purpose: p.purpose,
        user: p.recipient,
        amountSats: p.amount_sats,
        ...facts,
        note: 'refused for the payment itself; not tried on another rail',
      });
    })
    .immediate();
  ctx.logger.error({ payoutId: p.id, user: p.recipient, ...facts }, 'payment refused for the payment itself: failed, alarm raised');
  return 'failed';
}

/**
 * broker_to_bittrex: refuse (payment failed + receipt saying why) when the broker's balance minus the amount
 * would not cover the payments due in the next `terms.coverDays` days. 'unknown' when the balance is unreadable.
 */
async function liabilityRefusal(ctx: EngineContext, p: PayoutRow): Promise<boolean | 'unknown'> {
  let balance: bigint;
  try {
    balance = await ctx.node.getAccountBalance(ctx.brokerAccount.id);
  } catch {
    return 'unknown';
  }
  const coverDays = ctx.config.terms.coverDays;
  const { dueSats, untilMs } = brokerLiability(ctx.db, ctx.libNow, coverDays, p.id);
  const amount = BigInt(p.amount_sats);
  if (balance - amount >= dueSats) return false;
  payoutFailed(ctx.db, p, 'admin_refused', {
    action: 'broker_to_bittrex',
    reason: `would leave ${formatBts(balance - amount)} BTS on the broker, less than the ${formatBts(dueSats)} BTS due in the next ${coverDays} days`,
    balanceSats: balance,
    dueSats,
    coverUntil: untilMs,
  });
  return true;
}
