// A call must answer in bounded time even when what it waits for hangs instead of refusing: a
// dead Redis host swallows packets, ioredis and postgres.js would wait for their own, longer,
// timeouts, and a client may drip its body. Used by operations calls (readiness, scrapes, admin
// reads, the reaper's Redis look-ups), the enqueue, request deadlines and body reads; and, as
// settleWithin, by every shutdown step that waits for work in flight.
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
  }
}

/**
 * `promise`, or a rejection after `ms`: a TimeoutError naming `what`, or the error `what()`
 * returns. The work itself is not cancelled, only no longer awaited.
 */
export function bounded<T>(promise: Promise<T>, ms: number, what: string | (() => Error) = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(typeof what === 'string' ? new TimeoutError(what, ms) : what()), ms);
  });
  promise.catch(() => {}); // a late rejection after the timeout is not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits for `promise` at most `ms`: true when it resolved in time, false when the time ran out
 * (it goes on unawaited). A rejection in time is passed on. For shutdown, where running out of
 * time is expected and the caller moves on (or forces the close).
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  promise.catch(() => {});
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
