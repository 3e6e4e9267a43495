// The import worker: a BullMQ worker whose jobs each run one slice of an import
// (import-slice.ts). What a slice ends with decides the next job:
//   finished / gone  nothing (the import is final, or erased)
//   yielded          a follow-up job at once (another worker may take it); a slice also yields
//                    when this worker shuts down, so a deploy hands running imports on at once
//   busy             a delayed job at the lease's expiry (its holder may be dead)
// A sweep (every IMPORT_SWEEP_MS, and once a lease after start) adds a job for every import that
// is queued or running with no live lease and no progress for a while: jobs lost with Redis, an
// upload whose add failed, or the import of a worker that was killed.
// Duplicates of any of these are harmless: the lease decides who works.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { settleWithin } from '../bounded.ts';
import type { Sql } from '../db/client.ts';
import { SECOND, WORKER_CLOSE_MS } from '../limits.ts';
import { safeErrorMessage, type Logger } from '../log.ts';
import { decodeImportJob, IMPORT_QUEUE_NAME, type ImportJobData } from './import-job.ts';
import type { ImportJobs } from './import-queue.ts';
import { failImport, runImportSlice, type SliceDeps } from './import-slice.ts';
import { listStalledImports } from './queries.ts';

const IMPORT_SWEEP_MS = 30 * SECOND;
const SWEEP_BATCH = 100;

export interface ImportWorkerOptions {
  db: Sql;
  connection: Redis;
  jobs: ImportJobs;
  log: Logger;
  slice: Omit<SliceDeps, 'db'>;
  concurrency?: number;
  prefix?: string;
  sweepEveryMs?: number;
}

export interface ImportWorker {
  worker: Worker<ImportJobData>;
  /** one sweep now (tests; the timer runs it every IMPORT_SWEEP_MS) */
  sweep(): Promise<number>;
  close(timeoutMs?: number): Promise<void>;
}

export function startImportWorker(options: ImportWorkerOptions): ImportWorker {
  const { db, log, jobs } = options;
  const workerId = `${process.pid}.${crypto.randomUUID().slice(0, 8)}`;
  // a shutdown lets each running slice end after its group in flight and hand the import on
  const stopping = new AbortController();
  const deps: SliceDeps = { ...options.slice, db, stopping: stopping.signal };

  const processJob = async (job: Job<ImportJobData>) => {
    let importId: string;
    try {
      importId = decodeImportJob(job.data);
    } catch (error) {
      throw new UnrecoverableError(`undecodable import job: ${safeErrorMessage(error)}`);
    }
    // unique per run: a stalled job run again beside itself must find the first run's lease
    const outcome = await runImportSlice(deps, importId, `${workerId}/${job.id}/${crypto.randomUUID().slice(0, 8)}`);
    if (outcome.kind === 'yielded') await jobs.add(importId, 'follow-up', { discriminator: Date.now() });
    if (outcome.kind === 'busy') {
      await jobs.add(importId, 'lease-wait', { discriminator: outcome.retryAt.getTime(), delayMs: outcome.retryAt.getTime() - Date.now() + 250 });
    }
    log.info({ importId, outcome: outcome.kind, ...('status' in outcome ? { status: outcome.status } : {}) }, 'import slice ended');
    return outcome;
  };

  const worker = new Worker<ImportJobData>(IMPORT_QUEUE_NAME, processJob, {
    connection: options.connection,
    concurrency: options.concurrency ?? 1,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn({ jobId: job.id, attemptsMade: job.attemptsMade, final, err: error }, 'import job failed');
    if (!final) return;
    let importId: string;
    try {
      importId = decodeImportJob(job.data);
    } catch {
      return;
    }
    failImport(db, importId, { code: 'PROCESSING_FAILED', message: `the import could not be processed: ${safeErrorMessage(error)}` }).catch(
      (failure: unknown) => log.error({ err: failure, importId }, 'could not mark the import failed'),
    );
  });
  worker.on('error', (error) => log.warn({ err: error }, 'import worker error'));

  const idleSeconds = Math.ceil(deps.leaseMs / 1000);
  const sweep = async () => {
    const stalled = await listStalledImports(db, idleSeconds, SWEEP_BATCH);
    const minute = Math.floor(Date.now() / (options.sweepEveryMs ?? IMPORT_SWEEP_MS));
    await Promise.all(stalled.map((found) => jobs.add(found.id, 'sweep', { discriminator: `${found.slices}-${minute}` })));
    return stalled.length;
  };
  const sweepNow = () => {
    sweep().catch((error: unknown) => log.warn({ err: error }, 'import sweep failed'));
  };
  const timer = setInterval(sweepNow, options.sweepEveryMs ?? IMPORT_SWEEP_MS);
  // a worker started after a crash picks up the imports the dead one held as soon as their
  // leases can have expired, not at the next sweep (nor after BullMQ's stalled-job check)
  const first = setTimeout(sweepNow, deps.leaseMs + SECOND);

  return {
    worker,
    sweep,
    async close(timeoutMs = WORKER_CLOSE_MS) {
      clearInterval(timer);
      clearTimeout(first);
      stopping.abort();
      await settleWithin(worker.close(), timeoutMs);
      if (worker.isRunning()) await worker.close(true).catch(() => {});
    },
  };
}
