export type WithTimeoutOptions = {
  /** Builds the error thrown when the deadline passes (called once, lazily). */
  errorFn: () => Error;
  /** Aborting rejects at once with the signal's reason. */
  signal?: AbortSignal;
};

/**
 * Races a promise (or a function receiving an AbortSignal that fires on timeout) against a deadline.
 * The timer is always cleared, and the losing promise's rejection is swallowed so it can never
 * become an unhandled rejection.
 *
 * @param work - a promise, or a function started immediately with a signal aborted on timeout
 * @param ms - deadline in milliseconds; `0` or less disables the deadline
 * @param options - `errorFn` builds the timeout error; `signal` cancels
 * @returns the work's value
 * @example await withTimeout(fetchBlock(5), 10_000, { errorFn: () => new Error('timed out') })
 */
export function withTimeout<T>(
  work: Promise<T> | ((signal: AbortSignal) => Promise<T>),
  ms: number,
  { errorFn, signal }: WithTimeoutOptions,
): Promise<T> {
  const controller = new AbortController();
  let promise: Promise<T>;
  try {
    promise = typeof work === 'function' ? work(controller.signal) : work;
  } catch (err) {
    return Promise.reject(err);
  }
  // The race below may settle first; keep the original from surfacing as unhandled.
  promise.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      controller.abort(signal?.reason);
      reject(signal?.reason);
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (ms > 0 && Number.isFinite(ms)) {
      timer = setTimeout(() => {
        cleanup();
        const err = errorFn();
        controller.abort(err);
        reject(err);
      }, ms);
    }
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
