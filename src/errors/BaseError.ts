/**
 * Stable error codes: callers branch on these, never on message text.
 * Extend the union when a new failure needs its own handling.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'DB_OPEN_FAILED'
  | 'DB_LOCKED'
  | 'DB_APPEND_ONLY'
  | 'DB_CORRUPT'
  | 'DB_REPLACED'
  | 'DB_SCHEMA_NEWER'
  | 'IMPORT_INVALID'
  | 'MEMO_INVALID'
  | 'NODE_TIMEOUT'
  | 'NODE_CLOSED'
  | 'NODE_UNAVAILABLE'
  | 'RPC_ERROR'
  | 'NODE_FAULT'
  | 'CHAIN_ID_MISMATCH'
  | 'EXCHANGE_REJECTED'
  | 'EXCHANGE_RETRYABLE'
  | 'EXCHANGE_DUPLICATE'
  | 'EXCHANGE_AMBIGUOUS'
  | 'EXCHANGE_UNAVAILABLE'
  | 'EXCHANGE_BAD_RESPONSE'
  | 'PAYOUT_UNCERTAIN'
  | 'PAYOUT_REJECTED'
  | 'KEYSTORE_INVALID'
  | 'KEYSTORE_WRONG_PASSWORD'
  | 'KEYSTORE_NOT_FOUND'
  | 'KEYSTORE_EXISTS'
  | 'KEYSTORE_INSECURE'
  | 'KEYSTORE_WEAK_KDF'
  | 'PASSWORD_SOURCE_REFUSED'
  | 'KEY_INVALID'
  | 'OWNER_KEY_REFUSED'
  | 'AUTH_FAILED'
  | 'INVALID_AMOUNT'
  | 'TX_INVALID'
  | 'USAGE';

export type BaseErrorOptions = {
  /** Underlying error; kept as the native `cause`. */
  cause?: unknown;
  /** Extra human lines (URL, key path…); must already be free of secrets. */
  metaMessages?: string[];
  /** Technical detail; must already be free of secrets. */
  details?: string;
};

/**
 * Root of every error stakebts throws on purpose. Messages are built from sanitised values only:
 * an error may end up in a log line or a receipt, so it never carries a key, secret or password.
 */
export class BaseError extends Error {
  override name = 'BaseError';
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly metaMessages: string[];

  constructor(code: ErrorCode, shortMessage: string, options: BaseErrorOptions = {}) {
    const lines = [shortMessage, ...(options.metaMessages ?? [])];
    if (options.details) lines.push(`Details: ${options.details}`);
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.metaMessages = options.metaMessages ?? [];
  }

  /** Walks the cause chain; returns the first error for which `fn` is true (or the last one). */
  walk(fn?: (err: unknown) => boolean): unknown {
    return walk(this, fn);
  }
}

function walk(err: unknown, fn?: (err: unknown) => boolean): unknown {
  if (fn?.(err)) return err;
  if (err instanceof Error && err.cause !== undefined) return walk(err.cause, fn);
  return fn ? null : err;
}

/** Type guard on the stable code, also matching anywhere in the cause chain. */
export function isError(err: unknown, code: ErrorCode): err is BaseError {
  return walk(err, (e) => e instanceof BaseError && e.code === code) !== null;
}
