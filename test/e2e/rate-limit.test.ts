// The per-user rate limit (CONTRACT §2) across two service instances sharing Redis: the quota is
// the user's, wherever the requests land; past it 429 RATE_LIMITED with Retry-After; every answer
// to the user carries RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers);
// replays count like any request; other users are not affected; 0 turns it off; without Redis
// requests go through; the SDK waits out a 429 and stores everything once.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { HealthIngestClient, type SampleInput } from '../../src/client/index.ts';
import { batch, getJson, heartRate, upload } from '../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { storedState } from '../support/stored-state.ts';

const LIMIT = 10;
let database: TestDatabase;
let first: TestService;
let second: TestService;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 20 });
  const env = { USER_RATE_LIMIT_PER_MINUTE: String(LIMIT) };
  first = await startTestService({ env, database });
  second = await startTestService({ env, database, queuePrefix: first.queuePrefix });
});
afterAll(async () => {
  await second.close();
  await first.close();
  await database.drop();
});

/** RateLimit: "per-user";r=<remaining>;t=<seconds> → its numbers */
function rateLimitOf(headers: Headers) {
  const match = /^"per-user";r=(\d+);t=(\d+)$/.exec(headers.get('ratelimit') ?? '');
  if (!match) throw new Error(`no RateLimit header: ${headers.get('ratelimit')}`);
  return { remaining: Number(match[1]), resetSeconds: Number(match[2]) };
}

describe('across two instances', () => {
  test('one quota per user wherever the requests land; past it 429 with Retry-After, the others unaffected', async () => {
    const token = await first.token(crypto.randomUUID());
    const remaining: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const service = i % 2 === 0 ? first : second;
      const reply = await getJson(service.baseUrl, '/api/v1/health/privacy-settings', token);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit-policy')).toBe(`"per-user";q=${LIMIT};w=60`);
      remaining.push(rateLimitOf(reply.headers).remaining);
    }
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);

    for (const service of [first, second]) {
      const limited = await getJson(service.baseUrl, '/api/v1/health/privacy-settings', token);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', status: 429, limit: LIMIT, windowSeconds: 60 });
      // one request's worth of quota comes back every 60 / LIMIT = 6 s
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(6);
      expect(limited.body.retryAfterMs).toBe(retryAfter * 1000);
      expect(rateLimitOf(limited.headers)).toMatchObject({ remaining: 0 });
      expect(limited.headers.get('ratelimit-policy')).toBe(`"per-user";q=${LIMIT};w=60`);
    }

    const metrics = (await (await fetch(`${first.baseUrl}/metrics`)).text()).match(/^health_ingest_rate_limited_total (\d+)/m);
    expect(Number(metrics?.[1])).toBeGreaterThanOrEqual(1);

    const other = await getJson(second.baseUrl, '/api/v1/health/privacy-settings', await second.token(crypto.randomUUID()));
    expect(other.status).toBe(200);
    expect(rateLimitOf(other.headers).remaining).toBe(LIMIT - 1);
  });

  test('replays of a completed upload count like any request; a limited upload writes nothing', async () => {
    const userId = crypto.randomUUID();
    const token = await first.token(userId);
    const body = batch([heartRate()]);
    for (let i = 0; i < LIMIT; i++) {
      const reply = await upload((i % 2 === 0 ? first : second).baseUrl, token, body);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit')).not.toBeNull();
    }
    const limited = await upload(first.baseUrl, token, batch([heartRate()]));
    expect(limited.status).toBe(429);
    const stored = await database.sql.unsafe('SELECT count(*)::int AS n FROM health_ingest_requests WHERE user_id = $1', [userId]);
    expect(stored[0]!.n).toBe(1);
  });

  test('error answers to the user carry the headers too (404, 400)', async () => {
    const token = await first.token(crypto.randomUUID());
    const missing = await getJson(first.baseUrl, `/api/v1/health/ingest-requests/${crypto.randomUUID()}`, token);
    expect(missing.status).toBe(404);
    expect(rateLimitOf(missing.headers).remaining).toBe(LIMIT - 1);
    const invalid = await upload(second.baseUrl, token, '{"requestId": 1}');
    expect(invalid.status).toBe(400);
    expect(rateLimitOf(invalid.headers).remaining).toBe(LIMIT - 2);
  });
});

test('USER_RATE_LIMIT_PER_MINUTE=0 turns it off: no headers, no 429', async () => {
  const off = await startTestService({ env: { USER_RATE_LIMIT_PER_MINUTE: '0' } });
  try {
    const token = await off.token(crypto.randomUUID());
    for (let i = 0; i < 20; i++) {
      const reply = await getJson(off.baseUrl, '/api/v1/health/privacy-settings', token);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit')).toBeNull();
    }
  } finally {
    await off.close();
  }
});

test('without Redis the limiter lets requests through, stating the policy but no remainder', async () => {
  const noRedis = await startTestService({ env: { USER_RATE_LIMIT_PER_MINUTE: '2', REDIS_URL: 'redis://127.0.0.1:1' } });
  try {
    const token = await noRedis.token(crypto.randomUUID());
    for (let i = 0; i < 4; i++) {
      const reply = await getJson(noRedis.baseUrl, '/api/v1/health/privacy-settings', token);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit-policy')).toBe('"per-user";q=2;w=60');
      expect(reply.headers.get('ratelimit')).toBeNull();
    }
  } finally {
    await noRedis.close();
  }
});

test("the SDK waits out 429s (Retry-After) and stores every sample once", async () => {
  const limited = await startTestService({ env: { USER_RATE_LIMIT_PER_MINUTE: '60' } });
  try {
    const userId = crypto.randomUUID();
    const statuses: number[] = [];
    const client = new HealthIngestClient({
      baseUrl: limited.baseUrl,
      token: await limited.token(userId),
      maxBatchItems: 10,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      },
    });
    // 66 batches: the quota of 60 at once, then one per second (no 429 at all only if the first
    // 60 took over 6 s)
    const samples = Array.from({ length: 660 }, () => heartRate() as unknown as SampleInput);
    const result = await client.upload({ samples });
    expect(result).toMatchObject({ accepted: 660, failed: [], batches: 66 });
    // how many depends on how fast the first 120 went (the quota refills meanwhile); some did
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
    expect((await storedState(limited.db.sql, userId)).live).toBe(660);
  } finally {
    await limited.close();
  }
}, 60_000);
