// When a failed webhook delivery is tried again, when it is given up, and when an endpoint that
// keeps failing is disabled (CONTRACT §11). Pure: times are arguments.
import { DAY, HOUR, MINUTE, SECOND } from '../time/durations.ts';

/**
 * Delays after the 1st, 2nd, … failed attempt; after the last one fails the delivery is `failed`
 * (8 attempts over ~27.6 h). Injectable (WEBHOOK_RETRY_SCHEDULE_SECONDS) so tests run it fast.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** An endpoint whose attempts have all failed for this long is disabled. */
export const DISABLE_FAILING_ENDPOINT_AFTER_MS = 5 * DAY;

export type DeliveryRetry = { giveUp: true } | { giveUp: false; retryInMs: number };

/** What follows the `attempts`-th attempt of a delivery failing (attempts counts it: 1, 2, …). */
export function nextDeliveryAttempt(attempts: number, schedule: readonly number[] = DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS): DeliveryRetry {
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw new Error(`not an attempt count: ${attempts}`);
  const delay = schedule[attempts - 1];
  return delay === undefined ? { giveUp: true } : { giveUp: false, retryInMs: delay };
}

/**
 * Whether an endpoint failing since `failingSinceMs` (its first failure after its last success)
 * is disabled by a failure at `nowMs`.
 */
export function shouldDisableEndpoint(failingSinceMs: number, nowMs: number, afterMs = DISABLE_FAILING_ENDPOINT_AFTER_MS): boolean {
  return nowMs - failingSinceMs >= afterMs;
}

/** An attempt's outcome: only a 2xx delivers (a 3xx is not followed: a redirect fails). */
export const isDelivered = (statusCode: number | null) => statusCode !== null && statusCode >= 200 && statusCode < 300;
