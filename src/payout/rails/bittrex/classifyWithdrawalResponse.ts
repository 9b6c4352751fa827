import type { BittrexClient, WithdrawalOutcome } from '../../../exchange/bittrex/index.js';
import type { HttpOutcome } from '../../protocol.js';

/**
 * Classifies the raw answer a payout worker got to `POST /withdrawals`, in the parent, with the account's own client
 * (the same schemas and rules as its `createWithdrawal`): the worker only carries bytes, so it needs neither zod
 * nor the client.
 * @param clientWithdrawalId - the attempt's key; a 2xx naming another key is ambiguous, never "created"
 */
export function classifyWithdrawalResponse(
  client: BittrexClient,
  res: HttpOutcome,
  clientWithdrawalId: string,
): Promise<WithdrawalOutcome> {
  if (res.kind === 'network') return client.classifyWithdrawalAnswer(res, clientWithdrawalId);
  let json: unknown;
  try {
    json = res.text === '' ? undefined : JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  return client.classifyWithdrawalAnswer(
    { kind: 'response', status: res.status, text: res.text, json, retryAfter: res.retryAfter },
    clientWithdrawalId,
  );
}
