// When to try a request again, and after how long. Pure: the clock and the randomness are
// arguments, so the rules are tested without waiting.
//
// Every request the SDK makes may be repeated safely: uploads carry a content-derived requestId
// (CONTRACT §4.4), imports an Idempotency-Key (§9), and the rest are reads, a PUT or a DELETE.
// So a network error is retried like an overloaded answer. The wait honours the service's hint
// (`retryAfterMs` in a problem body, else `Retry-After`, in seconds or as an HTTP date), never
// goes below the jittered exponential backoff of the failures so far (a Retry-After of 1 s
// repeated under overload still spreads out), and is bounded in attempts and in total time.

export interface RetryOptions {
  /** tries of one request, the first included */
  maxAttempts: number;
  /** the backoff's first step; it doubles per failure up to maxDelayMs */
  baseDelayMs: number;
  maxDelayMs: number;
  /** no try starts later than this after the first one */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryOptions = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  maxElapsedMs: 120_000,
});

/**
 * Statuses a later try may turn into a success: 408 (the body did not arrive in time), 429
 * (rate limited), 502/503/504 (overloaded, restarting, or a gateway that lost the service).
 * 409 STILL_PROCESSING is not here: an upload answers it by polling its request (§4.7).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 502 || status === 503 || status === 504;
}

/** "Equal jitter": half of min(maxDelay, base·2^(failures-1)) plus a random part of the other half. */
export function backoffDelayMs(failures: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The wait before the next try after `failures` failed ones, given the service's hint (ms). */
export function retryDelayMs(failures: number, hintMs: number | undefined, options: RetryOptions, random: () => number): number {
  const backoff = backoffDelayMs(failures, options, random);
  if (hintMs === undefined) return backoff;
  // up to 20 % on top of the hint, so clients told the same second do not all come back in it
  return Math.max(backoff, Math.round(hintMs * (1 + 0.2 * random())));
}

/** Whether another try may start: within the attempts, and not past the total time. */
export function mayRetry(attemptsSoFar: number, elapsedMs: number, delayMs: number, options: RetryOptions): boolean {
  return attemptsSoFar < options.maxAttempts && elapsedMs + delayMs <= options.maxElapsedMs;
}

/** `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in ms from now, or undefined. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // an IMF-fixdate (or the obsolete forms Date.parse also reads)
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The service's wait hint of an answer: `retryAfterMs` of its problem body first (ms precision). */
export function retryHintMs(headers: { get(name: string): string | null }, body: unknown, nowMs: number): number | undefined {
  const fromBody = (body as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (typeof fromBody === 'number' && Number.isFinite(fromBody) && fromBody >= 0) return fromBody;
  return parseRetryAfter(headers.get('retry-after'), nowMs);
}
