import { parseDecimalBts } from '../../domain/money.js';
import type { SimError } from './createSimExchange.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DETAIL = 'Refer to the data field for specific field validation failures.';

export type NewWithdrawalInput = {
  quantity: bigint;
  cryptoAddress: string;
  cryptoAddressTag: string;
  clientWithdrawalId: string | null;
};

/**
 * Validates a NewWithdrawal body as the exchange would (400 BAD_REQUEST with per-field `data`). Stricter than
 * Bittrex on one point, on purpose: `quantity` must be a decimal string, so a client that sends a JS float fails here.
 */
export function parseNewWithdrawal(raw: Buffer): { ok: true; input: NewWithdrawalInput } | { ok: false; error: SimError } {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, error: { status: 400, code: 'BAD_REQUEST', detail: 'The request body is not valid JSON.' } };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: { status: 400, code: 'BAD_REQUEST', detail: 'The request body must be an object.' } };
  }
  const b = body as Record<string, unknown>;
  const invalid: Record<string, string[]> = {};
  if (typeof b.currencySymbol !== 'string') invalid.currencySymbol = ['The currencySymbol field is required.'];
  else if (b.currencySymbol.toUpperCase() !== 'BTS') return { ok: false, error: { status: 404, code: 'CURRENCY_DOES_NOT_EXIST' } };

  let quantity = 0n;
  if (typeof b.quantity !== 'string') invalid.quantity = ['The quantity field is required as a decimal string.'];
  else {
    try {
      quantity = parseDecimalBts(b.quantity);
      if (quantity <= 0n) invalid.quantity = ['The quantity must be positive.'];
    } catch {
      invalid.quantity = ['The quantity is not a decimal with at most 5 decimals.'];
    }
  }
  if (typeof b.cryptoAddress !== 'string' || b.cryptoAddress === '') invalid.cryptoAddress = ['The cryptoAddress field is required.'];
  if (b.cryptoAddressTag !== undefined && typeof b.cryptoAddressTag !== 'string') invalid.cryptoAddressTag = ['Must be a string.'];
  if (b.clientWithdrawalId !== undefined && (typeof b.clientWithdrawalId !== 'string' || !UUID_RE.test(b.clientWithdrawalId))) {
    invalid.clientWithdrawalId = ['The clientWithdrawalId must be a uuid.'];
  }
  if (Object.keys(invalid).length > 0) return { ok: false, error: { status: 400, code: 'BAD_REQUEST', detail: DETAIL, data: invalid } };
  return {
    ok: true,
    input: {
      quantity,
      cryptoAddress: b.cryptoAddress as string,
      cryptoAddressTag: (b.cryptoAddressTag as string | undefined) ?? '',
      clientWithdrawalId: typeof b.clientWithdrawalId === 'string' ? b.clientWithdrawalId.toLowerCase() : null,
    },
  };
}
