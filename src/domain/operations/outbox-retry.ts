// When a failed outbox event is tried again, and when it stops being tried (a dead letter that an
// operator inspects and replays). `attempts` counts claims, so a processor that crashed while
// holding an event also used up one attempt.

import { MINUTE, SECOND } from '../time/durations.ts';

export interface RetryPolicy {
  /** claims after which a failing event becomes a dead letter */
  maxAttempts: number;
  /** delay after the first failure; doubles with each further one */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 10 attempts over ~8.5 minutes (1 s, 2 s, 4 s, … 256 s between them). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 1 * SECOND, maxDelayMs: 5 * MINUTE };

export type RetryDecision = { dead: true } | { dead: false; retryAfterMs: number };

/** What to do with an event whose `attempts`-th claim failed. */
export function decideRetry(attempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  if (attempts >= policy.maxAttempts) return { dead: true };
  const exponent = Math.max(0, attempts - 1);
  return { dead: false, retryAfterMs: Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent) };
}
