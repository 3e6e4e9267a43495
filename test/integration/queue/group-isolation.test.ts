// Group commit isolates users (issue 11): the worker writes the jobs that are active together in
// one transaction; one job whose rows the database refuses must fail alone, at once, with its
// error — and cost the jobs beside it nothing, not even an attempt.
//
// The poison is real: a trigger installed in this test's own database refuses any sample whose
// source is 'poison' (as a constraint the write path does not know about would).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { validateBatchBody } from '../../../src/domain/ingest/upload-schema.ts';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { prepareBatch } from '../../../src/ingest/submit.ts';
import { createLogger } from '../../../src/log.ts';
import { INGEST_QUEUE_NAME, ingestJobId, type IngestJobData } from '../../../src/queue/ingest-batch-job.ts';
import { GroupWriter } from '../../../src/queue/group-writer.ts';
import { startIngestWorker } from '../../../src/queue/worker.ts';
import { claimQueuedRequest, startProcessing, type RequestAttempt } from '../../../src/requests/queries.ts';
import { createBatchQueue } from '../../../src/queue/enqueue.ts';
import { workerConnection } from '../../../src/queue/redis.ts';
import { batch, heartRate } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { until } from '../../support/poll.ts';
import { TEST_REDIS_URL } from '../../support/service.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 20 });
  await db.sql.unsafe(`
    CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.source_id = 'poison' THEN RAISE EXCEPTION 'poison sample refused'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON health_samples FOR EACH ROW EXECUTE FUNCTION refuse_poison();
  `).simple();
});
afterAll(() => db.drop());

const samplesOf = (n: number, sourceId = 'watch') =>
  Array.from({ length: n }, (_, i) => heartRate({ sourceId, startAt: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString() }));

/** Six users' 400-sample batches; the fourth user's holds one poison sample. */
function sixRequests() {
  const users = Array.from({ length: 6 }, () => crypto.randomUUID());
  const poisonUser = users[3]!;
  const requests = users.map((userId) => {
    const samples = samplesOf(400);
    if (userId === poisonUser) samples[200] = { ...samples[200]!, sourceId: 'poison' };
    const body = batch(samples);
    const checked = validateBatchBody(body, 500);
    if (!checked.ok) throw new Error('invalid test batch');
    return { userId, requestId: body.requestId, prepared: prepareBatch(defaultCatalog, { userId, body: checked.value, headerOffsetMinutes: undefined, receivedAt: new Date() }, new Set(), Date.now()) };
  });
  return { poisonUser, requests };
}

const storedSamples = async (userId: string) =>
  (await db.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1', [userId]))[0]!.n as number;

describe('the group writer with a poison request in a group of six', () => {
  test('writes the group once, fails, then writes each alone: only the poison request fails', async () => {
    const { poisonUser, requests } = sixRequests();
    const attempts: RequestAttempt[] = [];
    for (const request of requests) {
      const attempt = { userId: request.userId, requestId: request.requestId, attempt: (await claimQueuedRequest(db.sql, request.prepared, 300))! };
      expect(await startProcessing(db.sql, attempt)).toBe(true);
      attempts.push(attempt);
    }
    const groupFailures: number[] = [];
    const writer = new GroupWriter(db.sql, { maxGroupSize: 8, maxConcurrentGroups: 1, onGroupFailure: (size) => groupFailures.push(size) });
    // written in one tick, so the six form one group (the worker's grouping depends on BullMQ's timing)
    const outcomes = await Promise.allSettled(requests.map((request, i) => writer.write(attempts[i]!, request.prepared)));
    expect(groupFailures).toEqual([6]);
    for (const [i, request] of requests.entries()) {
      const outcome = outcomes[i]!;
      if (request.userId === poisonUser) {
        expect(outcome.status).toBe('rejected');
        expect(String((outcome as PromiseRejectedResult).reason)).toContain('poison sample refused');
        expect(await storedSamples(request.userId)).toBe(0);
      } else {
        expect(outcome).toMatchObject({ status: 'fulfilled', value: { kind: 'completed' } });
        expect(await storedSamples(request.userId)).toBe(400);
      }
    }
  });
});

describe('a poison job beside healthy ones in the worker', () => {
  test('fails alone and at once, whatever groups form; the healthy jobs complete on their first attempt', async () => {
    const prefix = `hi-test-${crypto.randomUUID().slice(0, 8)}`;
    const connection = new Redis(TEST_REDIS_URL);
    const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, { connection, prefix });
    // every failed attempt of any job, retried or final
    const failures: { jobId: string; reason: string }[] = [];
    const log = createLogger('silent');
    const submit = createBatchQueue({ db: db.sql, queue, log, maxJobPayloadBytes: 5 << 20, staleAfterSeconds: 300 });

    const { poisonUser, requests } = sixRequests();
    // every job waits in Redis before the worker starts, so the worker takes them as one group
    for (const request of requests) expect((await submit.submit(request.prepared)).status).toBe(202);

    const worker = startIngestWorker({ db: db.sql, connection: workerConnection(TEST_REDIS_URL), log, concurrency: 8, staleAfterSeconds: 300, prefix });
    worker.worker.on('failed', (job, error) => failures.push({ jobId: job!.id!, reason: error.message }));
    try {
      const statusOf = async (userId: string, requestId: string) =>
        (await db.sql.unsafe('SELECT status, attempts, last_error FROM health_ingest_requests WHERE user_id = $1 AND request_id = $2', [userId, requestId]))[0]!;
      await until(
        () => Promise.all(requests.map((r) => statusOf(r.userId, r.requestId))),
        (rows) => rows.every((row) => row.status === 'completed' || row.status === 'failed'),
        20_000,
        'every request finished',
      );
      for (const request of requests) {
        const row = await statusOf(request.userId, request.requestId);
        const stored = await storedSamples(request.userId);
        if (request.userId === poisonUser) {
          expect(row).toMatchObject({ status: 'failed', attempts: 1 });
          expect(row.last_error).toContain('poison sample refused');
          expect(stored).toBe(0);
        } else {
          expect(row).toMatchObject({ status: 'completed', attempts: 1 });
          expect(stored).toBe(400);
        }
      }
      // only the poison job failed, once: no retries for it, no attempt spent by the others
      const poisonJobId = ingestJobId(poisonUser, requests[3]!.requestId, 1);
      expect(failures).toEqual([{ jobId: poisonJobId, reason: expect.stringContaining('poison sample refused') }]);
      // whether BullMQ made the six active in one tick (one group) or not is timing; the group
      // case itself is proven deterministically above
      const poisonJob = await queue.getJob(poisonJobId);
      expect(await poisonJob?.getState()).toBe('failed');
      expect(poisonJob?.attemptsMade).toBe(1);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      connection.disconnect();
    }
  });
});
