import { describe, expect, it } from 'vitest';
import { wait } from './wait.js';
import { withRetry } from './withRetry.js';
import { withTimeout } from './withTimeout.js';

describe('promise toolkit', () => {
  it('withTimeout rejects with errorFn on the deadline and aborts the work signal', async () => {
    let aborted = false;
    const err = await withTimeout(
      (signal) =>
        new Promise((_r, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('inner'));
          });
        }),
      30,
      { errorFn: () => new Error('deadline') },
    ).catch((e: Error) => e);
    expect((err as Error).message).toBe('deadline');
    expect(aborted).toBe(true);
    expect(
      await withTimeout(Promise.resolve(5), 1_000, {
        errorFn: () => new Error('x'),
      }),
    ).toBe(5);
  });

  it('withTimeout and wait reject with the abort reason', async () => {
    const c = new AbortController();
    const p = withTimeout(new Promise(() => {}), 10_000, {
      errorFn: () => new Error('x'),
      signal: c.signal,
    });
    const w = wait(10_000, c.signal);
    c.abort(new Error('stop'));
    expect(((await p.catch((e: Error) => e)) as Error).message).toBe('stop');
    expect(((await w.catch((e: Error) => e)) as Error).message).toBe('stop');
  });

  it('withRetry retries only retryable errors, up to retryCount', async () => {
    let calls = 0;
    const v = await withRetry(
      async (n) => {
        calls++;
        if (n < 2) throw new Error('transient');
        return n;
      },
      { retryCount: 3, delay: 1 },
    );
    expect([v, calls]).toEqual([2, 3]);
    calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new Error('fatal');
      },
      {
        retryCount: 5,
        delay: 1,
        shouldRetry: ({ error }) => (error as Error).message !== 'fatal',
      },
    ).catch((e: Error) => e);
    expect([(err as Error).message, calls]).toEqual(['fatal', 1]);
    calls = 0;
    await withRetry(
      async () => {
        calls++;
        throw new Error('always');
      },
      { retryCount: 2, delay: 1 },
    ).catch(() => {});
    expect(calls).toBe(3);
  });
});
