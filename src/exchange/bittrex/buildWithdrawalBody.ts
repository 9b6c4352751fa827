import { formatBts } from '../../domain/money.js';
import { BaseError } from '../../errors/BaseError.js';

export type NewWithdrawalParameters = {
  /** Amount to request in satoshis (the recipient receives it minus `txCost`). */
  quantity: bigint;
  /** For BTS: the recipient's BitShares account name. */
  cryptoAddress: string;
  /** For BTS: the memo. */
  cryptoAddressTag?: string;
  /** The attempt's idempotency key (uuid), fixed before the first send and reused on every retry. */
  clientWithdrawalId: string;
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The exact `POST /withdrawals` body text for one attempt. Deterministic (fixed key order, quantity as a
 * 5-decimal string, never a float), so the text can be stored in the intent row and re-sent verbatim.
 */
export function buildWithdrawalBody(params: NewWithdrawalParameters): string {
  const { quantity, cryptoAddress, cryptoAddressTag, clientWithdrawalId } = params;
  if (typeof quantity !== 'bigint' || quantity <= 0n)
    throw new BaseError('INVALID_AMOUNT', 'Withdrawal quantity must be a positive bigint');
  if (!UUID_RE.test(clientWithdrawalId)) throw new BaseError('USAGE', 'clientWithdrawalId must be a uuid');
  if (cryptoAddress.trim() === '') throw new BaseError('USAGE', 'cryptoAddress is required');
  const body: Record<string, string> = {
    currencySymbol: 'BTS',
    quantity: formatBts(quantity),
    cryptoAddress,
  };
  if (cryptoAddressTag !== undefined && cryptoAddressTag !== '') body.cryptoAddressTag = cryptoAddressTag;
  body.clientWithdrawalId = clientWithdrawalId.toLowerCase();
  return JSON.stringify(body);
}
