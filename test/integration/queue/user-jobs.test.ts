// For the erasure: the user's ingest jobs no worker holds yet (waiting, delayed, prioritized) are
// removed from Redis; other users' jobs stay.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { Queue } from 'bullmq';
import { INGEST_QUEUE_NAME, ingestJobId } from '../../../src/queue/ingest-batch-job.ts';
import { removeQueuedJobsOfUser } from '../../../src/queue/user-jobs.ts';
import { TEST_REDIS_URL } from '../../support/service.ts';

const prefix = `hi-test-${crypto.randomUUID().slice(0, 8)}`;
let queue: Queue;

beforeAll(() => {
  queue = new Queue(INGEST_QUEUE_NAME, { connection: { url: TEST_REDIS_URL }, prefix });
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
});

const add = (userId: string, options: { delay?: number; priority?: number } = {}) => {
  const requestId = crypto.randomUUID();
  return queue.add('ingest-batch', { userId, requestId, attempt: 1, batch: '' }, { jobId: ingestJobId(userId, requestId, 1), ...options });
};

test("removes the user's waiting, delayed and prioritized jobs, and no one else's", async () => {
  const erased = crypto.randomUUID();
  const other = crypto.randomUUID();
  for (let i = 0; i < 3; i++) await add(erased);
  await add(erased, { delay: 60_000 });
  await add(erased, { priority: 5 });
  const kept = [await add(other), await add(other, { delay: 60_000 })];
  expect(await removeQueuedJobsOfUser(queue, erased)).toBe(5);
  const left = await queue.getRanges(['waiting', 'delayed', 'prioritized'], 0, -1);
  expect(left.sort()).toEqual(kept.map((job) => job.id!).sort());
  expect(await removeQueuedJobsOfUser(queue, erased)).toBe(0);
});
