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
const REDIS_TIMEOUT_MS = 500;
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
  // the first requests after start-up wait (bounded) for the connection instead of going through
  // unlimited; once it was up, a lost connection fails open at once (ioredis queues nothing)
  // (resolved on 'ready' only: an 'error' meanwhile, a failed first connect, must not end the wait)
  let connected: Promise<void> | null = null;
  if (redis.status !== 'ready') {
    connected = new Promise<void>((resolve) =>
      redis.once('ready', () => {
        connected = null;
        resolve();
      }),
    );
  }
  const call = async (key: string) => {
    if (connected) await connected;
    return redis.userGcra(key, options.limit, windowMs);
  };
  return {
    limit: options.limit,
    windowSeconds: RATE_LIMIT_WINDOW_SECONDS,
    async take(userId) {
      try {
        const [allowed, remaining, resetMs, retryAfterMs] = await bounded(
          call(`${options.prefix}:rate-limit:${userId}`),
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
