import { wait } from './wait.js';

export type WithRetryOptions = {
  /** Retries after the first attempt. @default 2 */
  retryCount?: number;
  /** Base delay in ms, doubled each retry (`(1 << n) * delay`), or a function of the attempt. @default 150 */
  delay?: number | ((info: { count: number; error: unknown }) => number);
  /** Upper bound of one delay in ms. @default 10_000 */
  maxDelay?: number;
  /** Fraction of random jitter added to each delay (0..1). @default 0.2 */
  jitter?: number;
  /** Whether an error is worth another attempt. @default () => true */
  shouldRetry?: (info: { count: number; error: unknown }) => boolean | Promise<boolean>;
  /** Aborting stops retrying; the signal's reason is thrown. */
  signal?: AbortSignal;
};

/**
 * Runs `fn` until it succeeds, retrying with exponential backoff and jitter for retryable errors.
 * Never retries after abort.
 *
 * @param fn - the attempt; receives the 0-based attempt number
 * @param options - see {@link WithRetryOptions}
 * @returns the first successful value; throws the last error when retries run out
 * @example await withRetry(() => rpc.request(...), { retryCount: 3, shouldRetry: ({ error }) => isTransport(error) })
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  { retryCount = 2, delay = 150, maxDelay = 10_000, jitter = 0.2, shouldRetry = () => true, signal }: WithRetryOptions = {},
): Promise<T> {
  for (let count = 0; ; count++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await fn(count);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (count >= retryCount || !(await shouldRetry({ count, error }))) throw error;
      const base = typeof delay === 'function' ? delay({ count, error }) : (1 << Math.min(count, 20)) * delay;
      const ms = Math.min(maxDelay, base) * (1 + Math.random() * jitter);
      await wait(ms, signal);
    }
  }
}

/** Backoff delay for attempt `n` (0-based): `min(max, base·2^n)` plus up to `jitter` of it at random. */
export function backoffDelay(n: number, base: number, max: number, jitter = 0.2): number {
  return Math.min(max, (1 << Math.min(n, 20)) * base) * (1 + Math.random() * jitter);
}
