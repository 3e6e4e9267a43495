// The webhook retry schedule of CONTRACT §11, the give-up point and the 5-day disable rule.
import { expect, test } from 'bun:test';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS, isDelivered, nextDeliveryAttempt, shouldDisableEndpoint } from '../../../../src/domain/webhooks/retry.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

test.each([
  [1, 5 * SECOND],
  [2, 5 * MINUTE],
  [3, 30 * MINUTE],
  [4, 2 * HOUR],
  [5, 5 * HOUR],
  [6, 10 * HOUR],
  [7, 10 * HOUR],
])('attempt %i failing is retried after %i ms', (attempts, delay) => {
  expect(nextDeliveryAttempt(attempts)).toEqual({ giveUp: false, retryInMs: delay });
});

test('the 8th failed attempt gives the delivery up, ~27.6 h after the first', () => {
  expect(nextDeliveryAttempt(8)).toEqual({ giveUp: true });
  expect(nextDeliveryAttempt(9)).toEqual({ giveUp: true });
  const total = DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
  expect(total).toBe(27 * HOUR + 35 * MINUTE + 5 * SECOND);
});

test('an injected schedule is followed, and its end gives up', () => {
  expect(nextDeliveryAttempt(1, [10, 20])).toEqual({ giveUp: false, retryInMs: 10 });
  expect(nextDeliveryAttempt(2, [10, 20])).toEqual({ giveUp: false, retryInMs: 20 });
  expect(nextDeliveryAttempt(3, [10, 20])).toEqual({ giveUp: true });
  expect(nextDeliveryAttempt(1, [])).toEqual({ giveUp: true });
});

test('an attempt count below 1 is a programming error', () => {
  expect(() => nextDeliveryAttempt(0)).toThrow();
});

test.each([
  [0, false],
  [5 * DAY - 1, false],
  [5 * DAY, true],
  [9 * DAY, true],
])('failing for %i ms disables the endpoint: %p', (failingFor, disabled) => {
  const since = Date.UTC(2026, 0, 1);
  expect(shouldDisableEndpoint(since, since + failingFor)).toBe(disabled);
});

test.each([
  [200, true],
  [204, true],
  [299, true],
  [300, false],
  [302, false],
  [404, false],
  [500, false],
  [null, false],
])('status %p delivers: %p', (status, delivered) => {
  expect(isDelivered(status)).toBe(delivered);
});
