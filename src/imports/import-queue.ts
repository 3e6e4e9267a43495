// Adding import jobs (the API after an upload; the worker for follow-ups, lease waits and its
// sweep). An add that fails (Redis down) is not the upload's failure: the import is stored and
// queued in PostgreSQL, and the workers' sweep adds its job once Redis answers again.
import type { Queue } from 'bullmq';
import { bounded } from '../bounded.ts';
import { encodeImportJob, IMPORT_JOB_NAME, IMPORT_JOB_OPTIONS, importJobId, type ImportJobData, type ImportJobReason } from './import-job.ts';

/** Adding a job waits at most this long (a dead Redis host swallows packets). */
const ADD_TIMEOUT_MS = 2000;

export interface ImportJobs {
  add(importId: string, reason: ImportJobReason, options?: { discriminator?: number | string; delayMs?: number }): Promise<void>;
}

export function importJobs(queue: Queue<ImportJobData>): ImportJobs {
  return {
    async add(importId, reason, options = {}) {
      await bounded(
        queue.add(IMPORT_JOB_NAME, encodeImportJob(importId), {
          ...IMPORT_JOB_OPTIONS,
          jobId: importJobId(importId, reason, options.discriminator ?? 0),
          ...(options.delayMs ? { delay: Math.max(0, Math.round(options.delayMs)) } : {}),
        }),
        ADD_TIMEOUT_MS,
        'import job add',
      );
    },
  };
}
