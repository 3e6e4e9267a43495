// Operations calls (readiness checks, scrapes, admin reads, the reaper's Redis look-ups) must
// answer in bounded time even when a dependency hangs instead of refusing: a dead Redis host
// swallows packets, and ioredis or postgres.js would wait for their own, longer, timeouts.
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
  }
}

/** `promise`, or a TimeoutError after `ms`. The work itself is not cancelled, only no longer awaited. */
export function bounded<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  promise.catch(() => {}); // a late rejection after the timeout is not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
