// The reaper's (and the erasure's) view of the ingest queue: a short-lived BullMQ Queue on its own connection, opened
// only when there are queued requests to check and closed right after, every call bounded.
// (The worker process has no producer Queue of its own, and a tick must not wait on a dead Redis.)
import { Queue, type JobState } from 'bullmq';
import Redis from 'ioredis';
import { bounded } from '../bounded.ts';
import { INGEST_QUEUE_NAME } from '../queue/ingest-batch-job.ts';
import { removeQueuedJobsOfUser } from '../queue/user-jobs.ts';

export interface QueueProbe {
  /** the BullMQ state of each job id, in order ('unknown' when the job does not exist) */
  jobStates(jobIds: readonly string[]): Promise<(JobState | 'unknown')[]>;
  /** the erasure's: removes the user's jobs no worker holds yet; how many */
  removeJobsOfUser(userId: string): Promise<number>;
  close(): Promise<void>;
}

export type OpenQueueProbe = () => Promise<QueueProbe>;

export function shortLivedQueueProbe(options: { redisUrl: string; prefix?: string; timeoutMs?: number }): OpenQueueProbe {
  const timeoutMs = options.timeoutMs ?? 5000;
  return async () => {
    const redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    redis.on('error', () => {}); // surfaces as the failed call below
    try {
      await bounded(redis.connect(), timeoutMs, 'redis connect');
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    const queue = new Queue(INGEST_QUEUE_NAME, { connection: redis, ...(options.prefix ? { prefix: options.prefix } : {}) });
    queue.on('error', () => {});
    return {
      jobStates: (jobIds) => bounded(Promise.all(jobIds.map((id) => queue.getJobState(id))), timeoutMs, 'queue job states'),
      removeJobsOfUser: (userId) => bounded(removeQueuedJobsOfUser(queue, userId), 6 * timeoutMs, 'remove queued jobs of a user'),
      async close() {
        await bounded(queue.close(), timeoutMs, 'queue close').catch(() => {});
        redis.disconnect();
      },
    };
  };
}

/** The erasure's step on the queue: opens a probe, removes the user's waiting jobs, closes it. */
export async function removeQueuedJobsWith(openQueue: OpenQueueProbe, userId: string): Promise<number> {
  const probe = await openQueue();
  try {
    return await probe.removeJobsOfUser(userId);
  } finally {
    await probe.close();
  }
}
