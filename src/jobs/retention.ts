// Retention (CONTRACT §8): hourly, deletes finished idempotency records (requests 'completed' or
// 'failed', IDEMPOTENCY_RETENTION_DAYS after their last change), outbox events 'processed' more
// than OUTBOX_RETENTION_DAYS ago, and job run records older than JOB_RUNS_RETENTION_DAYS — each in
// short chunks; and webhook deliveries finished (delivered or failed) WEBHOOK_RETENTION_DAYS ago,
// with their attempts; import uploads left 'receiving' for a day by a process that died mid-upload,
// with their chunks. Pending and dead outbox events, unfinished requests and pending deliveries
// are never deleted.
import type { ChunkPlan } from '../domain/operations/purge-chunks.ts';
import { deleteInChunks, type ChunkedDeleteStats } from './chunked-delete.ts';
import { deleteFinishedRequests } from '../requests/queries.ts';
import { deleteOldJobRuns, deleteProcessedOutboxEvents, type ChunkDelete } from './queries.ts';
import type { JobDefinition } from './runner.ts';
import { MINUTE } from '../limits.ts';
import { deleteFinishedDeliveries } from '../webhooks/queries.ts';
import { deleteAbandonedUploads } from '../imports/queries.ts';

/** An import upload still 'receiving' after this long was cut off by a dead process. */
export const ABANDONED_UPLOAD_DAYS = 1;

export const RETENTION_JOB = 'retention';
export const RETENTION_LOCK_KEY = 3;
export const JOB_RUNS_RETENTION_DAYS = 30;


export const RETENTION_CHUNK_PLAN: ChunkPlan = { initialRows: 1000, minRows: 100, maxRows: 10_000, targetMs: 200 };

export function retentionJob(options: {
  idempotencyRetentionDays: number;
  outboxRetentionDays: number;
  /** default 30 */
  webhookRetentionDays?: number;
  chunkPlan?: ChunkPlan;
  maxRunMs?: number;
}): JobDefinition {
  const plan = options.chunkPlan ?? RETENTION_CHUNK_PLAN;
  const targets: [string, ChunkDelete, number][] = [
    ['idempotencyRecords', deleteFinishedRequests, options.idempotencyRetentionDays],
    ['outboxEvents', deleteProcessedOutboxEvents, options.outboxRetentionDays],
    ['jobRuns', deleteOldJobRuns, JOB_RUNS_RETENTION_DAYS],
    ['webhookDeliveries', deleteFinishedDeliveries, options.webhookRetentionDays ?? 30],
    ['abandonedImportUploads', deleteAbandonedUploads, ABANDONED_UPLOAD_DAYS],
  ];
  return {
    name: RETENTION_JOB,
    schedule: '30 * * * *',
    lockKey: RETENTION_LOCK_KEY,
    maxRunMs: options.maxRunMs ?? 10 * MINUTE,
    minGapSeconds: 600,
    async run(context) {
      const details: Record<string, ChunkedDeleteStats> = {};
      let affectedRows = 0;
      for (const [name, deleteChunk, days] of targets) {
        const stats = await deleteInChunks(context, deleteChunk, days, plan);
        details[name] = stats;
        affectedRows += stats.deletedRows;
        if (stats.stoppedBy !== 'done') break;
      }
      return { affectedRows, details };
    },
  };
}
