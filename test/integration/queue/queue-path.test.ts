// The queue path against real Redis and PostgreSQL: enqueue rules, failures, takeover, group commit.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { validateBatchBody } from '../../../src/domain/ingest/upload-schema.ts';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { ProblemError } from '../../../src/domain/problems.ts';
import { prepareBatch } from '../../../src/ingest/submit.ts';
import { bodyDigest } from '../../../src/domain/ingest/body-digest.ts';
import type { PreparedBatch } from '../../../src/ingest/finish-batch.ts';
import { createLogger } from '../../../src/log.ts';
import { encodeBatch, INGEST_JOB_NAME, INGEST_JOB_OPTIONS, INGEST_QUEUE_NAME, ingestJobId, type IngestJobData } from '../../../src/queue/ingest-batch-job.ts';
import { startIngestWorker } from '../../../src/queue/worker.ts';
import { createBatchQueue } from '../../../src/queue/enqueue.ts';
import { workerConnection } from '../../../src/queue/redis.ts';
import { batch, heartRate, upload } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startTestService, TEST_REDIS_URL } from '../../support/service.ts';
import { until } from '../../support/poll.ts';

const log = createLogger('silent');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 20 });
});
afterAll(() => db.drop());

const samplesOf = (n: number, overrides = {}) =>
  Array.from({ length: n }, (_, i) => heartRate({ startAt: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(), ...overrides }));

function prepare(userId: string, body: ReturnType<typeof batch>, receivedAt = new Date()): PreparedBatch {
  const checked = validateBatchBody(body, 500);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return prepareBatch(defaultCatalog, { userId, body: checked.value, headerOffsetMinutes: undefined, receivedAt }, new Set(), Date.now());
}

const requestRow = async (userId: string, requestId: string) =>
  (await db.sql.unsafe('SELECT status, attempts, response_status FROM health_ingest_requests WHERE user_id = $1 AND request_id = $2', [userId, requestId]))[0];
const sampleCount = async (userId: string) =>
  (await db.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1', [userId]))[0]!.n as number;

async function redisCommandsProcessed(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)![1]);
}

describe('enqueue', () => {
  test('an encoded job over the cap is 413 without a single Redis command or a request row', async () => {
    const prefix = `hi-test-${crypto.randomUUID().slice(0, 8)}`;
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, { connection, prefix });
    await queue.waitUntilReady();
    const observer = new Redis(TEST_REDIS_URL);
    try {
      const submit = createBatchQueue({ db: db.sql, queue, log, maxJobPayloadBytes: 4096, staleAfterSeconds: 300 });
      const userId = crypto.randomUUID();
      const prepared = prepare(userId, batch(samplesOf(400)));
      expect(encodeBatch(prepared).length).toBeGreaterThan(4096);
      // INFO itself is a command: measure its own cost and subtract it
      const a = await redisCommandsProcessed(observer);
      const b = await redisCommandsProcessed(observer);
      const infoCost = b - a;
      let refused: unknown;
      try {
        await submit.submit(prepared);
      } catch (error) {
        refused = error;
      }
      const c = await redisCommandsProcessed(observer);
      expect(refused).toBeInstanceOf(ProblemError);
      expect((refused as ProblemError).code).toBe('PAYLOAD_TOO_LARGE');
      expect(c - b).toBe(infoCost);
      expect(await requestRow(userId, prepared.requestId)).toBeUndefined();
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      observer.disconnect();
      connection.disconnect();
    }
  });

  test('Redis unreachable → 503 QUEUE_UNAVAILABLE with Retry-After; the same request succeeds later', async () => {
    const broken = await startTestService({ database: db, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    const healthy = await startTestService({ database: db });
    try {
      const userId = crypto.randomUUID();
      const body = batch(samplesOf(400));
      const refused = await upload(broken.baseUrl, await broken.token(userId), body);
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('QUEUE_UNAVAILABLE');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await requestRow(userId, body.requestId))?.status).toBe('failed');
      const retried = await upload(healthy.baseUrl, await healthy.token(userId), body);
      expect(retried.status).toBe(202);
      expect(await requestRow(userId, body.requestId)).toMatchObject({ status: 'queued', attempts: 2 });
    } finally {
      await broken.close();
      await healthy.close();
    }
  });

  test('a re-send while queued is 409 STILL_PROCESSING and adds no second job', async () => {
    const service = await startTestService({ database: db });
    const queue = new Queue(INGEST_QUEUE_NAME, { connection: new Redis(TEST_REDIS_URL), prefix: service.queuePrefix });
    try {
      const userId = crypto.randomUUID();
      const token = await service.token(userId);
      const body = batch(samplesOf(400));
      expect((await upload(service.baseUrl, token, body)).status).toBe(202);
      const again = await upload(service.baseUrl, token, body);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('STILL_PROCESSING');
      expect(again.body.retryAfterMs).toBeGreaterThan(0);
      expect(again.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await queue.getJobCountByTypes('waiting')).toBe(1);
    } finally {
      await queue.close();
      await service.close();
    }
  });
});

describe('the worker', () => {
  test('after a worker died mid-job, the client re-send takes over and the rows are written exactly once', async () => {
    const prefix = `hi-test-${crypto.randomUUID().slice(0, 8)}`;
    const connection = new Redis(TEST_REDIS_URL);
    const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, { connection, prefix });
    const userId = crypto.randomUUID();
    const body = batch(samplesOf(420));
    const prepared = prepare(userId, body);
    // attempt 1 was picked up by a worker that then died: 'processing', heartbeat long gone,
    // and its job is still in Redis (it will run again when a worker appears)
    await db.sql.unsafe(
      `INSERT INTO health_ingest_requests (user_id, request_id, payload_hash, status, route, item_count, received_at, heartbeat_at)
       VALUES ($1, $2, $3, 'processing', 'queued', 420, now(), now() - interval '1 hour')`,
      [userId, body.requestId, body.payloadHash],
    );
    const stale: IngestJobData = { userId, requestId: body.requestId, attempt: 1, batch: encodeBatch(prepared) };
    await queue.add(INGEST_JOB_NAME, stale, { ...INGEST_JOB_OPTIONS, jobId: ingestJobId(userId, body.requestId, 1) });
    const submit = createBatchQueue({ db: db.sql, queue, log, maxJobPayloadBytes: 5 << 20, staleAfterSeconds: 300 });
    const reply = await submit.submit(prepared);
    expect(reply.status).toBe(202);
    expect(await requestRow(userId, body.requestId)).toMatchObject({ status: 'queued', attempts: 2 });

    const worker = startIngestWorker({ db: db.sql, connection: workerConnection(TEST_REDIS_URL), log, concurrency: 4, staleAfterSeconds: 300, prefix });
    try {
      await until(() => requestRow(userId, body.requestId), (row) => row?.status === 'completed');
      await until(() => queue.getJobCounts('waiting', 'active'), (counts) => counts.waiting === 0 && counts.active === 0);
      expect(await sampleCount(userId)).toBe(420);
      expect(await requestRow(userId, body.requestId)).toMatchObject({ attempts: 2, response_status: 200 });
      const events = await db.sql.unsafe('SELECT count(*)::int AS n FROM outbox_events WHERE user_id = $1', [userId]);
      expect(events[0]!.n).toBe(1);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      connection.disconnect();
    }
  });

  test('many users backfilling at once are written in groups, each request with its own seq and event', async () => {
    const prefix = `hi-test-${crypto.randomUUID().slice(0, 8)}`;
    const connection = new Redis(TEST_REDIS_URL);
    const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, { connection, prefix });
    const submit = createBatchQueue({ db: db.sql, queue, log, maxJobPayloadBytes: 5 << 20, staleAfterSeconds: 300 });
    const users = Array.from({ length: 6 }, () => crypto.randomUUID());
    const requests: { userId: string; requestId: string }[] = [];
    for (const userId of users) {
      // two overlapping batches per user: the second rewrites 200 of the first's keys
      const first = samplesOf(400);
      const second = [...first.slice(200), ...samplesOf(200, { sourceId: 'phone' })].map((s) => ({ ...s, value: 99 }));
      for (const samples of [first, second]) {
        const body = batch(samples);
        expect((await submit.submit(prepare(userId, body))).status).toBe(202);
        requests.push({ userId, requestId: body.requestId });
      }
    }
    const worker = startIngestWorker({ db: db.sql, connection: workerConnection(TEST_REDIS_URL), log, concurrency: 8, staleAfterSeconds: 300, prefix });
    try {
      for (const { userId, requestId } of requests) {
        await until(() => requestRow(userId, requestId), (row) => row?.status === 'completed');
      }
      for (const userId of users) {
        expect(await sampleCount(userId)).toBe(600);
        const seqs = await db.sql.unsafe('SELECT seq FROM outbox_events WHERE user_id = $1 ORDER BY seq', [userId]);
        expect(seqs.map((row) => Number(row.seq))).toEqual([1, 2]);
        const [watermark] = await db.sql.unsafe('SELECT seq FROM user_health_watermarks WHERE user_id = $1', [userId]);
        expect(Number(watermark!.seq)).toBe(2);
      }
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      connection.disconnect();
    }
  });
});

describe('a request left queued without its job', () => {
  test('is taken over by the client re-send at once instead of answering 409 until the reaper', async () => {
    const service = await startTestService({ database: db, worker: true });
    try {
      const userId = crypto.randomUUID();
      const token = await service.token(userId);
      const body = batch(samplesOf(400));
      // a claim whose job never reached Redis (the API died between claim and add), 1 min ago;
      // the re-send is byte-identical, so it arrives through the replay fast path
      await db.sql.unsafe(
        `INSERT INTO health_ingest_requests (user_id, request_id, payload_hash, body_digest, status, route, item_count, received_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', 'queued', 400, now(), now() - interval '1 minute')`,
        [userId, body.requestId, body.payloadHash, bodyDigest(JSON.stringify(body))],
      );
      const resent = await upload(service.baseUrl, token, body);
      expect(resent.status).toBe(202);
      await until(() => requestRow(userId, body.requestId), (row) => row?.status === 'completed');
      expect(await requestRow(userId, body.requestId)).toMatchObject({ attempts: 2 });
      expect(await sampleCount(userId)).toBe(400);
    } finally {
      await service.close();
    }
  });

  test('a young queued request still answers 409 (its job may be on its way)', async () => {
    const service = await startTestService({ database: db });
    try {
      const userId = crypto.randomUUID();
      const body = batch(samplesOf(400));
      await db.sql.unsafe(
        `INSERT INTO health_ingest_requests (user_id, request_id, payload_hash, status, route, item_count, received_at)
         VALUES ($1, $2, $3, 'queued', 'queued', 400, now())`,
        [userId, body.requestId, body.payloadHash],
      );
      expect((await upload(service.baseUrl, await service.token(userId), body)).status).toBe(409);
    } finally {
      await service.close();
    }
  });
});
