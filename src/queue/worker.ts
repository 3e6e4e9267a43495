// The queue worker: decodes each job, marks its request 'processing' (with a heartbeat the reaper
// and re-sends can trust), and hands it to the group writer. A job whose attempt lost the
// request (taken over, reaped, finished) completes without writing. After the last try — at
// once when the database refused the request's own rows — the request is marked failed, so the
// client's re-send processes it from scratch.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { settleWithin } from '../bounded.ts';
import type { Sql } from '../db/client.ts';
import { deterministicFailure } from '../db/errors.ts';
import { WORKER_CLOSE_MS } from '../limits.ts';
import { safeErrorMessage, type Logger } from '../log.ts';
import { decodeBatch } from './ingest-batch-job.ts';
import type { SampleRowWriter } from '../ingest/sample-writes.ts';
import { GroupWriter } from './group-writer.ts';
import { INGEST_QUEUE_NAME, type IngestJobData } from './ingest-batch-job.ts';
import { failRequest, heartbeatRequests, startProcessing, type RequestAttempt } from '../requests/queries.ts';

export interface IngestWorkerOptions {
  db: Sql;
  /** pool for lease marks and heartbeats, ideally with synchronous_commit off (default: db) */
  leaseDb?: Sql;
  connection: Redis;
  log: Logger;
  concurrency: number;
  staleAfterSeconds: number;
  prefix?: string;
  /** most requests per write transaction (group commit) */
  maxGroupSize?: number;
  /** how the group writer writes rows (default: an unnest upsert per request; bench/queue-throughput.ts compares COPY) */
  rows?: SampleRowWriter;
  /** group transactions in flight at once (default 2) */
  maxConcurrentGroups?: number;
}

export interface IngestWorker {
  worker: Worker<IngestJobData>;
  close(timeoutMs?: number): Promise<void>;
}

export function startIngestWorker(options: IngestWorkerOptions): IngestWorker {
  const { db, log } = options;
  const leaseDb = options.leaseDb ?? db;
  const writer = new GroupWriter(db, {
    maxGroupSize: options.maxGroupSize ?? Math.max(1, options.concurrency),
    maxConcurrentGroups: options.maxConcurrentGroups ?? 2,
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    onGroupFailure: (size, error) => log.warn({ size, err: error }, 'group write failed; writing its requests one by one'),
  });
  const active = new Map<string, RequestAttempt>();
  const attemptOf = (data: IngestJobData): RequestAttempt => ({
    userId: data.userId,
    requestId: data.requestId,
    attempt: data.attempt,
  });

  const process = async (job: Job<IngestJobData>) => {
    const attempt = attemptOf(job.data);
    let batch;
    try {
      batch = decodeBatch(job.data.batch);
    } catch (error) {
      throw new UnrecoverableError(`undecodable job payload: ${safeErrorMessage(error)}`);
    }
    if (!(await startProcessing(leaseDb, attempt))) return { outcome: 'superseded' };
    active.set(job.id!, attempt);
    try {
      const outcome = await writer.write(attempt, batch);
      return outcome.kind === 'completed' ? { outcome: 'completed', statusCode: outcome.reply.status } : outcome;
    } catch (error) {
      // the database refused this request's own rows: every retry would too, so it fails now
      if (deterministicFailure(error)) {
        throw Object.assign(new UnrecoverableError(`the database refused the batch: ${safeErrorMessage(error)}`), { cause: error });
      }
      throw error;
    } finally {
      active.delete(job.id!);
    }
  };

  const worker = new Worker<IngestJobData>(INGEST_QUEUE_NAME, process, {
    connection: options.connection,
    concurrency: options.concurrency,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  });

  // a third of the stale window keeps two missed beats from looking like a dead worker
  const heartbeatMs = Math.max(250, Math.min(10_000, (options.staleAfterSeconds * 1000) / 3));
  const heartbeat = setInterval(() => {
    heartbeatRequests(leaseDb, [...active.values()]).catch((error: unknown) => log.warn({ err: error }, 'heartbeat failed'));
  }, heartbeatMs);

  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn({ jobId: job.id, requestId: job.data.requestId, attemptsMade: job.attemptsMade, final, err: error }, 'ingest job failed');
    if (final) {
      failRequest(db, attemptOf(job.data), `job failed: ${safeErrorMessage(error)}`).catch((failure: unknown) =>
        log.error({ err: failure, requestId: job.data.requestId }, 'could not mark request failed'),
      );
    }
  });
  worker.on('error', (error) => log.warn({ err: error }, 'worker error'));

  return {
    worker,
    async close(timeoutMs = WORKER_CLOSE_MS) {
      clearInterval(heartbeat);
      // worker.close() hangs forever when Redis is unreachable (bullmq #4656): bound it
      await settleWithin(worker.close(), timeoutMs);
      if (worker.isRunning()) await worker.close(true).catch(() => {});
    },
  };
}
