// The console's rates in the real Redis: what several API replicas count lands in the same
// buckets, so the console's figure is the deployment's whatever replica answers it.
import { afterAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { BUCKET_MS, SETTLE_MS } from '../../src/domain/operations/ingest-rates.ts';
import { createIngestRateReader, createIngestRateRecorder } from '../../src/ingest-rates.ts';
import { TEST_REDIS_URL } from '../support/service.ts';

const redis = new Redis(TEST_REDIS_URL);
afterAll(() => redis.quit());

const freshPrefix = () => `hi-test-${crypto.randomUUID().slice(0, 8)}:health-ingest`;
/** a moment inside a bucket, and when the reader may show that bucket */
const T = Math.floor(Date.UTC(2026, 11, 1, 12, 0, 0) / BUCKET_MS) * BUCKET_MS + 1200;
const shownAt = T - 1200 + BUCKET_MS + SETTLE_MS;

describe('ingest rates in Redis', () => {
  test('two replicas count into the same buckets; the reader sees their sum', async () => {
    const prefix = freshPrefix();
    const replicaA = createIngestRateRecorder({ redis, prefix, now: () => T });
    const replicaB = createIngestRateRecorder({ redis, prefix, now: () => T });
    replicaA.samples(40, ['UNKNOWN_METRIC', 'UNKNOWN_METRIC']);
    replicaB.samples(2, ['UNKNOWN_METRIC', 'VALUE_OUT_OF_BOUNDS']);
    replicaA.shed();
    replicaB.shed();
    replicaB.rateLimited();
    await Promise.all([replicaA.close(), replicaB.close()]);

    const series = await createIngestRateReader({ redis, prefix }).read(shownAt);
    expect(series.accepted.at(-1)).toBe(42);
    expect(series.failedByCode).toEqual({
      UNKNOWN_METRIC: expect.arrayContaining([3]),
      VALUE_OUT_OF_BOUNDS: expect.arrayContaining([1]),
    });
    expect(series.failedByCode.UNKNOWN_METRIC!.at(-1)).toBe(3);
    expect(series.totals).toEqual({ accepted: 42, failed: 4, shed: 2, rateLimited: 1 });
  });

  test('a bucket not yet settled is not shown (a replica may still be flushing into it)', async () => {
    const prefix = freshPrefix();
    const recorder = createIngestRateRecorder({ redis, prefix, now: () => T });
    recorder.samples(5, []);
    await recorder.close();
    const reader = createIngestRateReader({ redis, prefix });
    expect((await reader.read(shownAt - 1)).totals.accepted).toBe(0);
    expect((await reader.read(shownAt)).totals.accepted).toBe(5);
  });

  test('every bucket key expires after the window (with a margin), so Redis holds only the last minutes', async () => {
    const prefix = freshPrefix();
    const recorder = createIngestRateRecorder({ redis, prefix, now: () => T });
    recorder.samples(1, []);
    await recorder.close();
    const keys = await redis.keys(`${prefix}:ingest-rates:*`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(15 * 60);
    expect(ttl).toBeLessThanOrEqual(20 * 60);
    await redis.del(...keys);
  });

  test('counts made while a flush is on its way reach Redis with the next one', async () => {
    const prefix = freshPrefix();
    const recorder = createIngestRateRecorder({ redis, prefix, now: () => T });
    recorder.samples(1, []);
    const first = recorder.flush();
    recorder.samples(2, []);
    await first;
    await recorder.close();
    expect((await createIngestRateReader({ redis, prefix }).read(shownAt)).totals.accepted).toBe(3);
  });
});
