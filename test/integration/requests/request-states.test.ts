// A queued request is visible as queued → processing → completed, and the worker's heartbeat
// keeps a long job from looking abandoned.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { createLogger } from '../../../src/log.ts';
import { INGEST_QUEUE_NAME, type IngestJobData } from '../../../src/queue/ingest-batch-job.ts';
import { startIngestWorker } from '../../../src/queue/worker.ts';
import { createBatchQueue } from '../../../src/queue/enqueue.ts';
import { workerConnection } from '../../../src/queue/redis.ts';
import { batch, heartRate } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { TEST_REDIS_URL } from '../../support/service.ts';
import { validateBatchBody } from '../../../src/domain/ingest/upload-schema.ts';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { normalizeSamples } from '../../../src/domain/ingest/sample-rules.ts';
import { until } from '../../support/poll.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
});
afterAll(() => db.drop());

test('queued → processing (heart-beating while it waits) → completed', async () => {
  const userId = crypto.randomUUID();
  const body = batch(Array.from({ length: 400 }, (_, i) => heartRate({ startAt: new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString() })));
  const checked = validateBatchBody(body, 500);
  if (!checked.ok) throw new Error('invalid');
  const normalized = normalizeSamples(checked.value.samples, { catalog: defaultCatalog, blockedMetrics: new Set(), headerOffsetMinutes: undefined, nowMs: Date.now() });
  const prefix = `hi-test-${crypto.randomUUID().slice(0, 8)}`;
  const connection = new Redis(TEST_REDIS_URL);
  const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, { connection, prefix });
  const log = createLogger('silent');
  const submit = createBatchQueue({ db: db.sql, queue, log, maxJobPayloadBytes: 5 << 20, staleAfterSeconds: 1 });
  await submit.submit({
    userId, requestId: body.requestId, payloadHash: body.payloadHash, bodyDigest: null, itemCount: 400,
    receivedAt: new Date(), valid: normalized.valid, failures: normalized.failures, deleteRefs: [],
  });
  const state = async () =>
    (await db.sql.unsafe('SELECT status, heartbeat_at FROM health_ingest_requests WHERE user_id = $1 AND request_id = $2', [userId, body.requestId]))[0]!;
  expect((await state()).status).toBe('queued');

  // hold the user's write lock so the job stays in 'processing' while we look
  const holder = await db.sql.reserve();
  await holder.unsafe('BEGIN');
  await holder.unsafe('SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))', [userId]);
  // stale after 1 s: heartbeats every ~333 ms must keep it fresh
  const worker = startIngestWorker({ db: db.sql, connection: workerConnection(TEST_REDIS_URL), log, concurrency: 2, staleAfterSeconds: 1, prefix });
  try {
    const first = await until(state, (row) => row.status === 'processing');
    await until(state, (row) => row.heartbeat_at > first.heartbeat_at);
    const fresh = await db.sql.unsafe(
      "SELECT heartbeat_at > now() - interval '1 second' AS fresh FROM health_ingest_requests WHERE user_id = $1",
      [userId],
    );
    expect(fresh[0]!.fresh).toBe(true);
    await holder.unsafe('COMMIT');
    await until(state, (row) => row.status === 'completed');
  } finally {
    holder.release();
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    connection.disconnect();
  }
});
