// Per-user request limit across replicas (CONTRACT §2: USER_RATE_LIMIT_PER_MINUTE), one atomic
// Lua script in Redis per request (gcra.lua: one round trip, one key per user). When Redis does
// not answer within REDIS_TIMEOUT_MS the request is let through without the RateLimit header (fail
// open: a limiter outage must not stop ingestion, whose inline path needs no Redis) and the
// outage is logged once until Redis answers again.
import type Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import { bounded } from '../bounded.ts';
import { MINUTE } from '../limits.ts';
import type { Logger } from '../log.ts';
import type { RateLimitDecision } from '../domain/rate-limit-headers.ts';

const GCRA = readFileSync(new URL('./gcra.lua', import.meta.url), 'utf8');
const REDIS_TIMEOUT_MS = 250;
export const RATE_LIMIT_WINDOW_SECONDS = MINUTE / 1000;

type GcraRedis = Redis & { userGcra(key: string, limit: number, windowMs: number): Promise<[number, number, number, number]> };

export interface UserRateLimit {
  readonly limit: number;
  readonly windowSeconds: number;
  /** the decision for one more request of the user; null when Redis did not answer (let through) */
  take(userId: string): Promise<RateLimitDecision | null>;
}

export function createUserRateLimit(options: { redis: Redis; prefix: string; limit: number; log: Logger }): UserRateLimit {
  if (!('userGcra' in options.redis)) options.redis.defineCommand('userGcra', { numberOfKeys: 1, lua: GCRA });
  const redis = options.redis as GcraRedis;
  const windowMs = RATE_LIMIT_WINDOW_SECONDS * 1000;
  let down = false;
  return {
    limit: options.limit,
    windowSeconds: RATE_LIMIT_WINDOW_SECONDS,
    async take(userId) {
      try {
        const [allowed, remaining, resetMs, retryAfterMs] = await bounded(
          redis.userGcra(`${options.prefix}:rate-limit:${userId}`, options.limit, windowMs),
          REDIS_TIMEOUT_MS,
          'rate limit',
        );
        if (down) options.log.info({}, 'the rate limiter reaches Redis again');
        down = false;
        return { allowed: allowed === 1, remaining, resetMs, retryAfterMs };
      } catch (error) {
        if (!down) options.log.warn({ err: error }, 'the rate limiter cannot reach Redis; requests go through unlimited');
        down = true;
        return null;
      }
    },
  };
}
