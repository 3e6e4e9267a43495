// The erasure's BullMQ job type (STYLE #10: name, payload, id and options in one file): it carries
// the erasure's id only; the row in user_erasures is the truth (erasure-runner.ts), so a lost or
// duplicated job changes nothing the resume sweep would not repair.
import { Worker, type JobsOptions } from 'bullmq';
import type Redis from 'ioredis';
import { settleWithin } from '../bounded.ts';
import { WORKER_CLOSE_MS } from '../limits.ts';
import type { Logger } from '../log.ts';
import type { ErasureRunOutcome } from './erasure-runner.ts';

export const ERASURE_QUEUE_NAME = 'health-user-erasure';
export const ERASURE_JOB_NAME = 'erase-user-data';

export interface ErasureJobData {
  erasureId: string;
}

export const ERASURE_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** One job per erasure: a second add of the same erasure is a no-op. */
export const erasureJobId = (erasureId: string) => `erasure.${erasureId}`;

export interface ErasureWorker {
  close(): Promise<void>;
}

export function startErasureWorker(options: {
  connection: Redis;
  prefix?: string;
  log: Logger;
  run(erasureId: string): Promise<ErasureRunOutcome>;
}): ErasureWorker {
  const worker = new Worker<ErasureJobData>(
    ERASURE_QUEUE_NAME,
    async (job) => ({ outcome: await options.run(job.data.erasureId) }),
    { connection: options.connection, concurrency: 1, ...(options.prefix ? { prefix: options.prefix } : {}) },
  );
  worker.on('failed', (job, error) => options.log.warn({ erasureId: job?.data.erasureId, err: error }, 'erasure job failed'));
  worker.on('error', (error) => options.log.warn({ err: error }, 'erasure worker error'));
  return {
    async close() {
      await settleWithin(worker.close(), WORKER_CLOSE_MS);
      if (worker.isRunning()) await worker.close(true).catch(() => {});
    },
  };
}
