// The job that has waited longest in a queue (the next one a worker takes) and its age, for
// GET /admin/queues, the console and the oldest-waiting gauge: a queue whose head keeps ageing
// has no worker taking jobs. Bounded in time like the counts: Redis down rejects within
// timeoutMs (the admin route answers QUEUE_UNAVAILABLE; the gauge goes absent).
import type { Queue } from 'bullmq';
import { bounded } from '../bounded.ts';
import type { OldestWaitingBodyT } from '../domain/operations/operations-schema.ts';
import { QUEUE_COUNTS_TIMEOUT_MS } from './counts.ts';

export async function oldestWaitingJob(queue: Queue, now: number = Date.now(), timeoutMs = QUEUE_COUNTS_TIMEOUT_MS): Promise<OldestWaitingBodyT> {
  // BullMQ pushes new jobs at the head of the wait list; ascending order starts at the tail
  const jobs = await bounded(queue.getJobs(['waiting'], 0, 0, true), timeoutMs, 'oldest waiting job');
  const job = jobs.find((candidate) => candidate !== undefined && candidate !== null);
  if (!job?.id) return null;
  return {
    jobId: job.id,
    enqueuedAt: new Date(job.timestamp).toISOString(),
    ageSeconds: Math.max(0, (now - job.timestamp) / 1000),
  };
}
