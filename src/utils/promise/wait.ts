/**
 * Resolves after `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts.
 * The timer is cleared on abort so a cancelled wait never keeps the process alive.
 *
 * @param ms - delay in milliseconds
 * @param signal - optional cancellation
 * @example await wait(1_000, controller.signal)
 */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
