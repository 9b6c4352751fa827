import { classifyWithdrawalError, sanitiseCode } from '../exchange/bittrex/classifyWithdrawalError.js';
import type { BittrexClient, WithdrawalOutcome } from '../exchange/bittrex/index.js';
import { errorBodySchema, withdrawalSchema } from '../exchange/bittrex/schemas.js';
import type { HttpOutcome } from './protocol.js';

/**
 * Classifies the raw answer a payout worker got to `POST /withdrawals`, in the parent, exactly as the Bittrex
 * client's `createWithdrawal` does for its own requests (same schemas, same `classifyWithdrawalError`): the
 * worker only carries bytes, so it needs neither zod nor the client. A duplicate's existing withdrawal is read
 * with the parent's client (a read: safe anywhere).
 * @param client - the account's client (clock offset for the rate-limit wait, the duplicate lookup)
 * @param clientWithdrawalId - the attempt's key; a 2xx naming another key is ambiguous, never "created"
 */
export async function classifyWithdrawalResponse(
  client: BittrexClient,
  res: HttpOutcome,
  clientWithdrawalId: string,
): Promise<WithdrawalOutcome> {
  const key = clientWithdrawalId.toLowerCase();
  if (res.kind === 'network') {
    return { kind: 'ambiguous', reason: res.timedOut ? `timeout (${res.networkCode})` : `no answer (${res.networkCode})` };
  }
  let json: unknown;
  try {
    json = res.text === '' ? undefined : JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  if (res.status >= 200 && res.status < 300) {
    const parsed = withdrawalSchema.safeParse(json);
    if (!parsed.success) return { kind: 'ambiguous', reason: `HTTP ${res.status} with an unreadable withdrawal body` };
    const w = parsed.data;
    if (w.clientWithdrawalId !== null && w.clientWithdrawalId.toLowerCase() !== key) {
      return { kind: 'ambiguous', reason: 'answer names a different clientWithdrawalId' };
    }
    return { kind: 'created', withdrawal: w };
  }
  const err = errorBodySchema.safeParse(json);
  const outcome = classifyWithdrawalError({
    httpStatus: res.status,
    code: err.success ? err.data.code : undefined,
    data: err.success ? err.data.data : undefined,
    nowMs: Date.now() + client.clockOffsetMs(),
  });
  if (outcome.kind === 'retryable' && res.status === 429) {
    const retryAfterS = Number(res.retryAfter);
    if (Number.isFinite(retryAfterS) && retryAfterS > 0) outcome.retryAfterMs = Math.max(outcome.retryAfterMs, retryAfterS * 1000);
  }
  if (outcome.kind === 'rejected' || outcome.kind === 'retryable') outcome.code = sanitiseCode(outcome.code);
  if (outcome.kind === 'duplicate' && outcome.withdrawalId !== undefined) {
    // Best effort: the id alone is enough to continue as "created"; the record saves a round trip later.
    try {
      return { kind: 'duplicate', withdrawalId: outcome.withdrawalId, withdrawal: await client.getWithdrawal(outcome.withdrawalId) };
    } catch {
      return outcome;
    }
  }
  return outcome;
}
