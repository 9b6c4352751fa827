import { type AttemptRow, insertAttemptIntent, nextAttemptNo } from '../db/payoutAttempts.js';
import type { PayoutRow } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import { withdrawalIdOf } from '../domain/paymentKeys.js';
import { type BittrexClient, buildWithdrawalBody, signRequest } from '../exchange/bittrex/index.js';
import { classifyWithdrawalResponse } from './classifyWithdrawalResponse.js';
import type { HttpOutcome } from './protocol.js';
import { runWorker } from './runWorker.js';
import { attemptEnded, attemptRetryLater, attemptSubmitted, attemptUnknown, markPaid, payoutFailed } from './transitions.js';
import type { EngineContext, RailResult } from './types.js';

export const bittrexRail = (index: number) => `bittrex${index}`;
export const bittrexIndexOf = (rail: string): number | null => (/^bittrex[1-3]$/.test(rail) ? Number(rail.slice(7)) : null);

/** The exchange's withdrawal fee (txFee), read once per cycle and account. */
function feeOf(ctx: EngineContext, index: number, client: BittrexClient): Promise<bigint> {
  let hit = ctx.cycle.bittrexFee.get(index);
  if (!hit) {
    hit = client.getCurrency('BTS').then((c) => c.txFee);
    hit.catch(() => ctx.cycle.bittrexFee.delete(index));
    ctx.cycle.bittrexFee.set(index, hit);
  }
  return hit;
}

/**
 * One attempt on Bittrex account `index`. The recipient must receive exactly the amount owed, and the exchange
 * pays `quantity − txCost`, so the request asks for `quantity = amount + txFee` (txFee from GET /currencies/BTS,
 * the fee the exchange charges as txCost); the receipt keeps both.
 * 1. Parent: commit the attempt (`intent`, idem_key = clientWithdrawalId derived from the payment's UUID, the account
 *    and the attempt number, request = the exact body)
 *    and the payment `sending`, BEFORE forking;
 * 2. worker: POST those bytes, report the classified outcome;
 * 3. parent: created/duplicate → submitted (tracked); rejected → attempt rejected (next rail may be tried);
 *    retryable → the same attempt is re-sent later; ambiguous or no report → unknown (same rail, same key).
 */
export async function executeBittrex(ctx: EngineContext, p: PayoutRow, index: number): Promise<RailResult> {
  const rail = bittrexRail(index);
  const client = ctx.bittrex.get(index);
  if (!client) return { kind: 'rejected', rail, code: 'ACCOUNT_NOT_CONFIGURED', cause: 'unusable' };
  let fee: bigint;
  try {
    fee = await feeOf(ctx, index, client);
  } catch {
    return { kind: 'retry', rail, code: 'EXCHANGE_UNAVAILABLE', afterMs: 0 };
  }
  const amount = BigInt(p.amount_sats);
  const quantity = amount + fee;
  // The exchange refuses quantity ≤ 3 × txFee; no need to ask (and spend rate budget) to learn that.
  if (quantity <= 3n * fee) return { kind: 'rejected', rail, code: 'WITHDRAWAL_TOO_SMALL', cause: 'unusable' };
  const a = ctx.db
    .transaction(() => {
      // Derived, not random: a withdrawal whose attempt record was lost (a restored backup) is found again under it.
      const clientWithdrawalId = withdrawalIdOf(p.uuid, index, nextAttemptNo(ctx.db, p.id));
      const body = buildWithdrawalBody({ quantity, cryptoAddress: p.recipient, cryptoAddressTag: p.memo, clientWithdrawalId });
      const row = insertAttemptIntent(ctx.db, { payoutId: p.id, rail, idemKey: clientWithdrawalId, request: body, txExpiration: null });
      if (row) {
        appendReceipt(ctx.db, p.contract_id ?? 0, {
          event: 'payout_attempt',
          payoutId: p.id,
          rail,
          attemptNo: row.attempt_no,
          idemKey: clientWithdrawalId,
          quantitySats: quantity,
          txFeeSats: fee,
        });
      }
      return row;
    })
    .immediate();
  if (!a) return { kind: 'rejected', rail, code: 'NOT_PENDING', cause: 'other' };
  return sendAndApply(ctx, p, a, index, 'execute');
}

/**
 * Runs the worker on the attempt's committed body and applies the outcome. The request is signed here, in the
 * parent, when the worker reports ready (so the timestamp is milliseconds old when it goes out, far inside the
 * exchange's window): the worker gets the URL, the headers and the body, never the API secret.
 */
async function sendAndApply(
  ctx: EngineContext,
  p: PayoutRow,
  a: AttemptRow,
  index: number,
  phase: 'execute' | 'reconcile',
): Promise<RailResult> {
  const rail = a.rail;
  const secret = ctx.secrets.bittrex.find((b) => b.index === index);
  const client = ctx.bittrex.get(index);
  if (!secret || !client) return { kind: 'ambiguous', rail, reason: 'account no longer configured' };
  // new URL(...).href is the form that goes on the wire: signing it avoids any re-encoding mismatch.
  const url = new URL(`${ctx.config.bittrex.baseUrl.replace(/\/+$/, '')}/withdrawals`).href;
  let response: HttpOutcome | null = null;
  let failed: string | null = null;
  const end = await runWorker({
    workerPath: ctx.workerPath,
    timeoutMs: ctx.config.payout.timeoutMs,
    signal: ctx.signal,
    onMessage: (msg, reply) => {
      if (msg.type === 'ready') {
        const auth = signRequest({
          apiKey: secret.apiKey.reveal(),
          apiSecret: secret.apiSecret.reveal(),
          timestampMs: Math.floor(Date.now() + client.clockOffsetMs()),
          url,
          method: 'POST',
          body: a.request,
        });
        reply({
          type: 'bittrex.post',
          url,
          headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...auth },
          body: a.request,
          timeoutMs: ctx.config.bittrex.timeoutMs,
        });
      } else if (msg.type === 'bittrex.response') response = msg.outcome;
      else if (msg.type === 'failed') failed = msg.reason;
    },
  });
  ctx.stats.workers++;
  ctx.stats.workerMs += end.elapsedMs;
  const res = response as HttpOutcome | null;
  if (res === null) {
    if (failed !== null && phase === 'execute') {
      // The worker refused before sending: nothing left the process.
      attemptEnded(ctx.db, p, a, 'rejected', { code: 'WORKER_REFUSED', reason: failed });
      return { kind: 'rejected', rail, code: 'WORKER_REFUSED', cause: 'other' };
    }
    const reason = end.killed
      ? `worker killed after ${ctx.config.payout.timeoutMs} ms`
      : (end.protocolError ?? failed ?? `worker exited (${end.code ?? end.exitSignal}) without a result`);
    if (a.state === 'intent') attemptUnknown(ctx.db, p, a, { reason });
    ctx.logger.warn({ payoutId: p.id, rail, reason }, 'withdrawal outcome unknown; will reconcile by clientWithdrawalId');
    return { kind: 'ambiguous', rail, reason };
  }
  const o = await classifyWithdrawalResponse(client, res, a.idem_key);
  ctx.logger.debug({ payoutId: p.id, rail, clientWithdrawalId: a.idem_key, outcome: o.kind }, 'bittrex withdrawal outcome');
  switch (o.kind) {
    case 'created':
    case 'duplicate': {
      const w = o.kind === 'created' ? o.withdrawal : o.withdrawal;
      const id = w?.id ?? (o.kind === 'duplicate' ? o.withdrawalId : undefined);
      if (id === undefined) {
        if (a.state === 'intent') attemptUnknown(ctx.db, p, a, { reason: 'duplicate without the existing id' });
        return { kind: 'ambiguous', rail, reason: 'duplicate without id' };
      }
      attemptSubmitted(ctx.db, p, a, id, { outcome: o.kind, status: w?.status ?? null, quantitySats: w?.quantity.toString() ?? null });
      return { kind: 'sent', rail };
    }
    case 'rejected': {
      // A re-send after an ambiguous try is only trusted once any earlier request had time to land.
      const grace = 2 * ctx.config.bittrex.timeoutMs;
      if (phase === 'reconcile' && Date.now() - a.updated_at < grace)
        return { kind: 'ambiguous', rail, reason: `rejected ${o.code} within grace` };
      attemptEnded(ctx.db, p, a, 'rejected', { code: o.code, httpStatus: o.httpStatus ?? null });
      const cause = o.code === 'INSUFFICIENT_FUNDS' ? 'funds' : o.code === 'WITHDRAWAL_TOO_SMALL' ? 'unusable' : 'other';
      return { kind: 'rejected', rail, code: o.code, cause };
    }
    case 'retryable':
      attemptRetryLater(ctx.db, p, a, Date.now() + o.retryAfterMs, { code: o.code });
      return { kind: 'retry', rail, code: o.code, afterMs: o.retryAfterMs };
    case 'ambiguous':
      if (a.state === 'intent') attemptUnknown(ctx.db, p, a, { reason: o.reason });
      return { kind: 'ambiguous', rail, reason: o.reason };
  }
}

/**
 * Reconciles a live Bittrex attempt on the SAME account with the SAME key (rule 5):
 * - submitted: GET /withdrawals/{id} until COMPLETED (paid) or CANCELLED (attempt cancelled, payment due again);
 *   ERROR_INVALID_ADDRESS → cancel it, payment failed, no retry elsewhere;
 * - intent/unknown: look the key up in the history; found → submitted; absent → re-POST the identical body
 *   (→ created, or CLIENTWITHDRAWALID_ALREADY_EXISTS = created); lookup failed → wait.
 */
export async function reconcileBittrex(ctx: EngineContext, p: PayoutRow, a: AttemptRow): Promise<'paid' | 'cancelled' | 'failed' | 'open'> {
  const index = bittrexIndexOf(a.rail);
  const client = index === null ? undefined : ctx.bittrex.get(index);
  if (index === null || !client) {
    ctx.logger.error({ payoutId: p.id, rail: a.rail }, 'live attempt on a Bittrex account that is not configured; left for a human');
    return 'open';
  }
  let current = a;
  if (current.state !== 'submitted' || current.external_id === null) {
    if (p.next_attempt_at > Date.now()) return 'open';
    const found = await client.findWithdrawalByClientId(current.idem_key, { sinceMs: current.created_at - 300_000 });
    if (found === 'unknown') return 'open';
    if (found === null) {
      const r = await sendAndApply(ctx, p, current, index, 'reconcile');
      if (r.kind !== 'sent') return 'open';
    } else {
      attemptSubmitted(ctx.db, p, current, found.id, { outcome: 'found by clientWithdrawalId', status: found.status });
    }
    const fresh = ctx.db.prepare('SELECT * FROM payout_attempts WHERE id = ?').get(current.id) as AttemptRow;
    if (fresh.state !== 'submitted' || fresh.external_id === null) return 'open';
    current = fresh;
  }
  let w: Awaited<ReturnType<BittrexClient['getWithdrawal']>>;
  try {
    w = await client.getWithdrawal(current.external_id!);
  } catch {
    return 'open';
  }
  const pNow = ctx.db.prepare('SELECT * FROM payouts WHERE id = ?').get(p.id) as PayoutRow;
  if (w.status === 'COMPLETED') {
    markPaid(ctx.db, pNow, current, {
      externalId: w.txId ?? w.id,
      libNow: ctx.cycle.libNow,
      facts: {
        withdrawalId: w.id,
        quantitySats: w.quantity,
        txCostSats: w.txCost,
        receivedSats: w.quantity - w.txCost,
        chainTxId: w.txId,
        completedAt: w.completedAt,
      },
    });
    return 'paid';
  }
  if (w.status === 'CANCELLED') {
    attemptEnded(ctx.db, pNow, current, 'cancelled', { withdrawalId: w.id, status: w.status });
    return 'cancelled';
  }
  if (w.status === 'ERROR_INVALID_ADDRESS') {
    await client.cancelWithdrawal(w.id).catch(() => undefined);
    payoutFailed(
      ctx.db,
      pNow,
      'payout_failed',
      { reason: 'Bittrex reports an invalid address; cancelled, not retried elsewhere', withdrawalId: w.id, rail: current.rail },
      current,
    );
    return 'failed';
  }
  return 'open';
}
