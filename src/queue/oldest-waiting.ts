// The job that has waited longest in a queue (the next one a worker takes) and its age, for
// GET /admin/queues, the console and the oldest-waiting gauge: a queue whose head keeps ageing
// has no worker taking jobs. Bounded in time like the counts (Redis down → a QUEUE_UNAVAILABLE,
// never a hanging request or scrape).
import type { Queue } from 'bullmq';
import type { OldestWaitingBodyT } from '../domain/operations-schema.ts';
import { ProblemError } from '../domain/problems.ts';
import { bounded } from '../ops/bounded.ts';
import { QUEUE_COUNTS_TIMEOUT_MS } from '../ops/queue-counts.ts';

export async function oldestWaitingJob(queue: Queue, now: number = Date.now(), timeoutMs = QUEUE_COUNTS_TIMEOUT_MS): Promise<OldestWaitingBodyT> {
  let jobs;
  try {
    // BullMQ pushes new jobs at the head of the wait list; ascending order starts at the tail
    jobs = await bounded(queue.getJobs(['waiting'], 0, 0, true), timeoutMs, 'oldest waiting job');
  } catch (error) {
    throw new ProblemError('QUEUE_UNAVAILABLE', `cannot read the queue: ${(error as Error).message}`, { retryAfterMs: 5000 }, {
      'retry-after': '5',
    });
  }
  const job = jobs.find((candidate) => candidate !== undefined && candidate !== null);
  if (!job?.id) return null;
  return {
    jobId: job.id,
    enqueuedAt: new Date(job.timestamp).toISOString(),
    ageSeconds: Math.max(0, (now - job.timestamp) / 1000),
  };
}
