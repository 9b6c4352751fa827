import type { Withdrawal } from './schemas.js';

/**
 * What one `POST /withdrawals` achieved, per the exactly-once classification:
 * only `rejected` and `retryable` prove that nothing was created; `ambiguous` must be resolved on the
 * same account with the same `clientWithdrawalId` (re-POST or history lookup), never by failing over.
 */
export type WithdrawalOutcome =
  | { kind: 'created'; withdrawal: Withdrawal }
  | { kind: 'duplicate'; withdrawalId?: string; withdrawal?: Withdrawal }
  | { kind: 'rejected'; code: string; httpStatus?: number }
  | { kind: 'retryable'; code: string; retryAfterMs: number }
  | { kind: 'ambiguous'; reason: string };

/** Codes that prove the request was refused before anything was created. */
export const REJECTED_CODES: ReadonlySet<string> = new Set([
  'INSUFFICIENT_FUNDS',
  'WITHDRAWAL_TOO_SMALL',
  'WHITELIST_VIOLATION_WITHDRAWAL_ADDRESS',
  'WHITELIST_VIOLATION_IP',
  'APIKEY_INVALID',
  'INVALID_SIGNATURE',
  'INVALID_TIMESTAMP',
  'INVALID_CONTENT_HASH',
  'INVALID_PERMISSION',
  'NOT_ALLOWED',
  'ACCOUNT_DISABLED',
  'SOURCE_OF_FUNDS_REQUIRED',
  'INVALID_RESTRICTED_ACCOUNT',
  'BAD_REQUEST',
  'NOT_FOUND',
  'CURRENCY_DOES_NOT_EXIST',
  'UUID_INVALID',
]);

/** Codes that prove nothing was created but a later retry (same account, same id) may succeed. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(['THROTTLED', 'CURRENCY_OFFLINE']);

export const DUPLICATE_CODE = 'CLIENTWITHDRAWALID_ALREADY_EXISTS';

export type ClassifyWithdrawalErrorParameters = {
  /** HTTP status of a non-2xx answer. */
  httpStatus: number;
  /** `code` of the error body, or undefined when the body was not a Bittrex error object. */
  code: string | undefined;
  /** `data` of the error body (read defensively for the existing withdrawal id). */
  data?: Record<string, unknown> | undefined;
  /** Exchange-clock "now" in ms, to wait for the next rate-limit minute. */
  nowMs: number;
};

/**
 * Classifies a non-2xx answer to `POST /withdrawals` by its Bittrex `code` (the HTTP status is secondary).
 * The code list is "not exhaustive", so an unknown code is ambiguous, as is a 5xx without a known code.
 */
export function classifyWithdrawalError(params: ClassifyWithdrawalErrorParameters): Exclude<WithdrawalOutcome, { kind: 'created' }> {
  const { httpStatus, code, data, nowMs } = params;
  if (code === DUPLICATE_CODE) {
    const withdrawalId = findUuid(data);
    return withdrawalId === undefined ? { kind: 'duplicate' } : { kind: 'duplicate', withdrawalId };
  }
  // 429 is answered by the throttle before the request is processed, whatever body comes with it.
  if (httpStatus === 429 || code === 'THROTTLED') {
    return { kind: 'retryable', code: code ?? 'THROTTLED', retryAfterMs: msUntilNextMinute(nowMs) };
  }
  if (code !== undefined && RETRYABLE_CODES.has(code)) {
    return { kind: 'retryable', code, retryAfterMs: 5_000 };
  }
  if (code !== undefined && REJECTED_CODES.has(code)) return { kind: 'rejected', code, httpStatus };
  if (code === undefined) return { kind: 'ambiguous', reason: `HTTP ${httpStatus} without a Bittrex error code` };
  return { kind: 'ambiguous', reason: `HTTP ${httpStatus} with unknown code ${sanitiseCode(code)}` };
}

/** The rate budget resets at the start of the next minute. */
export function msUntilNextMinute(nowMs: number): number {
  return 60_000 - (((nowMs % 60_000) + 60_000) % 60_000);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The existing id's field name is undocumented: take the first uuid found, preferring keys that mention "id". */
function findUuid(data: unknown, depth = 0): string | undefined {
  if (depth > 3 || data === null || typeof data !== 'object') return undefined;
  // Our own clientWithdrawalId is a uuid too and must never be mistaken for the exchange's id.
  const entries = Object.entries(data as Record<string, unknown>).filter(([k]) => !/client/i.test(k));
  const ordered = [...entries.filter(([k]) => /id/i.test(k)), ...entries.filter(([k]) => !/id/i.test(k))];
  for (const [, v] of ordered) {
    if (typeof v === 'string' && UUID_RE.test(v)) return v.toLowerCase();
  }
  for (const [, v] of ordered) {
    const found = findUuid(v, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Codes come from the network: keep them short and printable before they reach a log or receipt. */
export function sanitiseCode(code: string): string {
  return code.replace(/[^A-Za-z0-9_.-]/g, '?').slice(0, 64);
}
