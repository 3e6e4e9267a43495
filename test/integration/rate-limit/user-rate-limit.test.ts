// The GCRA script against the real Redis: a burst of the whole quota after idling, then one
// request per emission interval (window / limit), never more; users apart; atomic under
// concurrency (two connections, like two replicas).
import { afterAll, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { createLogger } from '../../../src/log.ts';
import { createUserRateLimit } from '../../../src/rate-limit/user-rate-limit.ts';
import { TEST_REDIS_URL } from '../../support/service.ts';

const connections = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];
const prefix = `hi-test-rl-${crypto.randomUUID().slice(0, 8)}`;
const log = createLogger('silent');
afterAll(async () => {
  const keys = await connections[0]!.keys(`${prefix}:*`);
  if (keys.length) await connections[0]!.del(...keys);
  for (const connection of connections) connection.disconnect();
});

test('the whole quota at once, then one request per interval (60 s / 600 = 100 ms)', async () => {
  const limiter = createUserRateLimit({ redis: connections[0]!, prefix, limit: 600, log });
  const user = crypto.randomUUID();
  const burst = await Promise.all(Array.from({ length: 600 }, () => limiter.take(user)));
  expect(burst.every((decision) => decision?.allowed)).toBe(true);
  expect(Math.min(...burst.map((decision) => decision!.remaining))).toBe(0);
  const refused = (await limiter.take(user))!;
  expect(refused.allowed).toBe(false);
  expect(refused.retryAfterMs).toBeGreaterThan(0);
  expect(refused.retryAfterMs).toBeLessThanOrEqual(100);
  // about 60 s until the quota is whole again
  expect(refused.resetMs).toBeGreaterThan(59_000);
  await Bun.sleep(refused.retryAfterMs + 5);
  expect((await limiter.take(user))!.allowed).toBe(true);
  expect((await limiter.take(user))!.allowed).toBe(false);
  expect((await limiter.take(crypto.randomUUID()))!).toMatchObject({ allowed: true, remaining: 599 });
});

test('two connections (replicas) racing over one user let exactly the quota through', async () => {
  const limiters = connections.map((redis) => createUserRateLimit({ redis, prefix, limit: 50, log }));
  const user = crypto.randomUUID();
  const decisions = await Promise.all(Array.from({ length: 200 }, (_, i) => limiters[i % 2]!.take(user)));
  expect(decisions.filter((decision) => decision!.allowed).length).toBe(50);
});

test('a limit above 1,000/s holds: each request uses its own interval, not a rounded millisecond', async () => {
  const limiter = createUserRateLimit({ redis: connections[0]!, prefix, limit: 6_000_000, log }); // 0.01 ms apart
  const user = crypto.randomUUID();
  // 2,000 at once (pipelined: within a few ms) use 20 ms of the 60 s window; rounded up to a
  // millisecond each they would use 2 s (remaining 5,800,000)
  const decisions = await Promise.all(Array.from({ length: 2000 }, () => limiter.take(user)));
  expect(decisions.every((decision) => decision!.allowed)).toBe(true);
  expect(Math.min(...decisions.map((decision) => decision!.remaining))).toBeGreaterThanOrEqual(5_990_000);
});
