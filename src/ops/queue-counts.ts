// BullMQ job counts for GET /admin/queues and the queue-depth gauge, bounded in time: Redis down
// → QUEUE_UNAVAILABLE instead of a hanging request or scrape.
import type { Queue } from 'bullmq';
import { QUEUE_COUNT_STATES, type QueueCountsBodyT } from '../domain/operations-schema.ts';
import { ProblemError } from '../domain/problems.ts';
import { bounded } from './bounded.ts';

export const QUEUE_COUNTS_TIMEOUT_MS = 1000;

export async function queueCounts(queue: Queue, timeoutMs = QUEUE_COUNTS_TIMEOUT_MS): Promise<QueueCountsBodyT> {
  let counts: Record<string, number>;
  try {
    counts = await bounded(queue.getJobCounts(...QUEUE_COUNT_STATES), timeoutMs, 'queue counts');
  } catch (error) {
    throw new ProblemError('QUEUE_UNAVAILABLE', `cannot read the queue: ${(error as Error).message}`, { retryAfterMs: 5000 }, {
      'retry-after': '5',
    });
  }
  return {
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    completed: counts.completed ?? 0,
    failed: counts.failed ?? 0,
    delayed: counts.delayed ?? 0,
  };
}
