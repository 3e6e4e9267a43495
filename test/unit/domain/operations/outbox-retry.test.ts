// Backoff and dead letters for failing outbox events.
import { expect, test } from 'bun:test';
import { decideRetry, DEFAULT_RETRY_POLICY } from '../../../../src/domain/operations/outbox-retry.ts';

test.each([
  [1, 1000],
  [2, 2000],
  [3, 4000],
  [9, 256_000],
])('attempt %i failing is retried after %i ms', (attempts, delay) => {
  expect(decideRetry(attempts)).toEqual({ dead: false, retryAfterMs: delay });
});

test('the delay is capped', () => {
  expect(decideRetry(20, { maxAttempts: 50, baseDelayMs: 1000, maxDelayMs: 60_000 })).toEqual({ dead: false, retryAfterMs: 60_000 });
});

test('the last attempt failing makes a dead letter', () => {
  expect(decideRetry(DEFAULT_RETRY_POLICY.maxAttempts)).toEqual({ dead: true });
  expect(decideRetry(DEFAULT_RETRY_POLICY.maxAttempts + 3)).toEqual({ dead: true });
});
