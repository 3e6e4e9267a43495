// The reaper against seeded stuck requests, a real PostgreSQL and a real Redis (BullMQ queue
// under a prefix of its own).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Queue } from 'bullmq';
import { loadConfig } from '../../../src/config.ts';
import { builtInJobs } from '../../../src/jobs/built-in-jobs.ts';
import { createJobRunner } from '../../../src/jobs/runner.ts';
import { reaperJob } from '../../../src/jobs/reaper.ts';
import { shortLivedQueueProbe } from '../../../src/jobs/queue-probe.ts';
import { createLogger } from '../../../src/log.ts';
import { INGEST_QUEUE_NAME, ingestJobId } from '../../../src/queue/ingest-batch-job.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { requestStatus, seedRequest } from '../../support/jobs.ts';
import { TEST_REDIS_URL } from '../../support/service.ts';

const log = createLogger('silent');
const STALE = 300;
let database: TestDatabase;
let queue: Queue;
const prefix = `hi-test-reaper-${crypto.randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
  queue = new Queue(INGEST_QUEUE_NAME, { connection: { url: TEST_REDIS_URL }, prefix });
});

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await database.drop();
});

/** this file's database has no erasures: the resume sweep has nothing to do */
const noErasuresToResume = async () => ({ resumed: 0, completed: 0 });

/** the service's own job list, as configured from the environment */
function builtInRunner(redisUrl = TEST_REDIS_URL) {
  const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: redisUrl, REAPER_STALE_AFTER_SECONDS: String(STALE) });
  return createJobRunner({ db: database.sql, log, jobs: builtInJobs(config, shortLivedQueueProbe({ redisUrl, prefix }), noErasuresToResume) });
}

const ids = () => ({ userId: crypto.randomUUID(), requestId: crypto.randomUUID() });

async function addJob(userId: string, requestId: string, attempt: number, options: { delay?: number } = {}) {
  await queue.add('ingest-batch', { userId, requestId, attempt, batch: '' }, { jobId: ingestJobId(userId, requestId, attempt), ...options });
}

describe('the reaper', () => {
  test('fails stuck requests and leaves live ones alone', async () => {
    const staleProcessing = { ...ids(), status: 'processing' as const, ageSeconds: 900, heartbeatAgeSeconds: STALE + 60 };
    const liveProcessing = { ...ids(), status: 'processing' as const, ageSeconds: 900, heartbeatAgeSeconds: 5 };
    const queuedNoJob = { ...ids(), status: 'queued' as const, ageSeconds: 900 };
    const queuedWithJob = { ...ids(), status: 'queued' as const, ageSeconds: 900 };
    const queuedDelayedJob = { ...ids(), status: 'queued' as const, ageSeconds: 900 };
    const queuedJustNow = { ...ids(), status: 'queued' as const, ageSeconds: 5 };
    const queuedOlderAttemptsJob = { ...ids(), status: 'queued' as const, ageSeconds: 900, attempts: 2 };
    const completed = { ...ids(), status: 'completed' as const, ageSeconds: 900 };
    for (const request of [staleProcessing, liveProcessing, queuedNoJob, queuedWithJob, queuedDelayedJob, queuedJustNow, queuedOlderAttemptsJob, completed]) {
      await seedRequest(database.sql, request);
    }
    await addJob(queuedWithJob.userId, queuedWithJob.requestId, 1);
    await addJob(queuedDelayedJob.userId, queuedDelayedJob.requestId, 1, { delay: 60_000 }); // retry backoff
    await addJob(queuedOlderAttemptsJob.userId, queuedOlderAttemptsJob.requestId, 1); // a job of an earlier attempt

    const runner = builtInRunner();
    const run = await runner.run('reaper', 'manual');
    expect(run).toMatchObject({ name: 'reaper', status: 'succeeded', affectedRows: 3, error: null });

    expect(await requestStatus(database.sql, staleProcessing.requestId)).toBe('failed');
    expect(await requestStatus(database.sql, queuedNoJob.requestId)).toBe('failed');
    expect(await requestStatus(database.sql, queuedOlderAttemptsJob.requestId)).toBe('failed');
    expect(await requestStatus(database.sql, liveProcessing.requestId)).toBe('processing');
    expect(await requestStatus(database.sql, queuedWithJob.requestId)).toBe('queued');
    expect(await requestStatus(database.sql, queuedDelayedJob.requestId)).toBe('queued');
    expect(await requestStatus(database.sql, queuedJustNow.requestId)).toBe('queued');
    expect(await requestStatus(database.sql, completed.requestId)).toBe('completed');

    const [reaped] = await database.sql.unsafe('SELECT last_error FROM health_ingest_requests WHERE request_id = $1', [queuedNoJob.requestId]);
    expect(reaped!.last_error).toContain('queue job missing');
    const [recorded] = await database.sql.unsafe(`SELECT details FROM job_runs WHERE name = 'reaper' ORDER BY id DESC LIMIT 1`);
    expect(recorded!.details).toMatchObject({ staleProcessing: 1, orphanedQueued: 2 });

    // a failed request is processed again on re-send (CONTRACT §4.4); a second tick finds nothing
    expect(await runner.run('reaper', 'manual')).toMatchObject({ status: 'succeeded', affectedRows: 0 });
  });

  test('pages through many queued requests', async () => {
    await database.sql.unsafe(`DELETE FROM health_ingest_requests`);
    // kept rows (their jobs exist) at both ends of the key order: a page that ends on a row that
    // stays 'queued' must not be read again
    const orphans = Array.from({ length: 7 }, () => ({ ...ids(), status: 'queued' as const, ageSeconds: 900 }));
    const kept = ['00000000', 'ffffffff', '88888888'].map((head) => ({
      userId: `${head}-0000-4000-8000-${crypto.randomUUID().slice(-12)}`,
      requestId: crypto.randomUUID(),
      status: 'queued' as const,
      ageSeconds: 900,
    }));
    for (const request of [...orphans, ...kept]) await seedRequest(database.sql, request);
    for (const request of kept) await addJob(request.userId, request.requestId, 1);

    const job = reaperJob({ staleAfterSeconds: STALE, openQueue: shortLivedQueueProbe({ redisUrl: TEST_REDIS_URL, prefix }), pageRows: 2 });
    const run = await createJobRunner({ db: database.sql, log, jobs: [job] }).run('reaper', 'manual');
    expect(run).toMatchObject({ status: 'succeeded', affectedRows: 7 });
    for (const request of kept) expect(await requestStatus(database.sql, request.requestId)).toBe('queued');
  });

  test('with Redis unreachable: fails the stale processing ones, reports the failure quickly, touches no queued one', async () => {
    const stale = { ...ids(), status: 'processing' as const, ageSeconds: 900, heartbeatAgeSeconds: STALE + 60 };
    const queued = { ...ids(), status: 'queued' as const, ageSeconds: 900 };
    await seedRequest(database.sql, stale);
    await seedRequest(database.sql, queued);

    const began = performance.now();
    const run = await builtInRunner('redis://127.0.0.1:1').run('reaper', 'manual');
    expect(performance.now() - began).toBeLessThan(6000);
    expect(run!.status).toBe('failed');
    expect(run!.error).toContain('could not check queued requests');
    expect(run!.affectedRows).toBe(1);
    expect(await requestStatus(database.sql, stale.requestId)).toBe('failed');
    expect(await requestStatus(database.sql, queued.requestId)).toBe('queued');
  });
});
