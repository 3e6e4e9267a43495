// BullMQ job counts for GET /admin/queues and the queue-depth gauge, bounded in time: Redis down
// rejects within timeoutMs instead of hanging a request or a scrape (the admin route answers
// QUEUE_UNAVAILABLE; the gauge goes absent).
import type { Queue } from 'bullmq';
import { bounded } from '../bounded.ts';
import { QUEUE_COUNT_STATES, type QueueCountsBodyT } from '../domain/operations/operations-schema.ts';
import { SECOND } from '../limits.ts';

export const QUEUE_COUNTS_TIMEOUT_MS = 1 * SECOND;

export async function queueCounts(queue: Queue, timeoutMs = QUEUE_COUNTS_TIMEOUT_MS): Promise<QueueCountsBodyT> {
  const counts = await bounded(queue.getJobCounts(...QUEUE_COUNT_STATES), timeoutMs, 'queue counts');
  return {
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    completed: counts.completed ?? 0,
    failed: counts.failed ?? 0,
    delayed: counts.delayed ?? 0,
  };
}
