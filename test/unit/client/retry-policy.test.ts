import { describe, expect, test } from 'bun:test';
import { backoffDelayMs, DEFAULT_RETRY, isRetryableStatus, mayRetry, parseRetryAfter, retryDelayMs, retryHintMs } from '../../../src/client/retry-policy.ts';

const NOW = Date.UTC(2026, 10, 20, 7, 15, 0);
const OPTIONS = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 10_000 };
const low = () => 0;
const high = () => 0.999999;

describe('Retry-After (RFC 9110: delay-seconds or an HTTP date)', () => {
  test.each([
    ['3', 3000],
    [' 0 ', 0],
    ['120', 120_000],
    ['Fri, 20 Nov 2026 07:15:07 GMT', 7000],
    ['Fri, 20 Nov 2026 07:14:00 GMT', 0], // a date in the past: now
    ['1.5', undefined], // delay-seconds is an integer
    ['-1', undefined],
    ['soon', undefined],
    ['', undefined],
  ])('%p → %p ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });

  test('absent → undefined', () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });

  test('retryAfterMs of the problem body wins over the header (it is exact to the ms)', () => {
    const headers = new Headers({ 'retry-after': '2' });
    expect(retryHintMs(headers, { code: 'STILL_PROCESSING', retryAfterMs: 250 }, NOW)).toBe(250);
    expect(retryHintMs(headers, { code: 'SERVER_BUSY' }, NOW)).toBe(2000);
    expect(retryHintMs(headers, { retryAfterMs: 'later' }, NOW)).toBe(2000);
    expect(retryHintMs(new Headers(), null, NOW)).toBeUndefined();
  });
});

describe('backoff', () => {
  test('doubles per failure within [half, all] of its step, and stops growing at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, OPTIONS, low))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, OPTIONS, high))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  test('is jittered: clients that failed together do not come back together', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3, OPTIONS, random)));
    expect(delays.size).toBeGreaterThan(30);
    for (const delay of delays) expect(delay >= 200 && delay <= 400).toBe(true);
  });

  test('a hint from the service is honoured, with up to 20 % on top; the backoff wins when it is longer', () => {
    expect(retryDelayMs(1, 1000, OPTIONS, low)).toBe(1000);
    expect(retryDelayMs(1, 1000, OPTIONS, high)).toBe(1200);
    expect(retryDelayMs(5, 20, OPTIONS, low)).toBe(500); // 5th failure: the backoff's 500 ms
    expect(retryDelayMs(2, undefined, OPTIONS, low)).toBe(100);
  });

  test('is bounded in attempts and in total time', () => {
    expect(mayRetry(4, 0, 100, OPTIONS)).toBe(true);
    expect(mayRetry(5, 0, 100, OPTIONS)).toBe(false);
    expect(mayRetry(1, 9_950, 100, OPTIONS)).toBe(false);
    expect(mayRetry(1, 1000, 30_000, OPTIONS)).toBe(false); // a Retry-After past the budget: give up now
  });

  test('defaults: 8 tries within 2 minutes', () => {
    expect(DEFAULT_RETRY).toMatchObject({ maxAttempts: 8, maxElapsedMs: 120_000 });
  });
});

describe('retryable answers', () => {
  test.each([
    [408, true], [429, true], [502, true], [503, true], [504, true],
    [400, false], [401, false], [403, false], [404, false], [409, false], [413, false], [422, false], [500, false],
  ])('%p → %p', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});
