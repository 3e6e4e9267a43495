// Soft-delete purger (CONTRACT §8): daily at 04:00 UTC, physically deletes samples soft-deleted
// more than SOFT_DELETE_RETENTION_DAYS ago, then the delete tombstones (migration 0006) received
// that long ago, in chunks of one short statement each (rows a writer holds are skipped, never
// waited for), so it never holds long locks. A tick that reaches its deadline stops; the next
// tick goes on where it left off (oldest first).
import type { ChunkPlan } from '../domain/operations/purge-chunks.ts';
import { deleteInChunks } from './chunked-delete.ts';
import { purgeExpiredTombstones, purgeSoftDeletedSamples } from './queries.ts';
import type { JobDefinition } from './runner.ts';
import { MINUTE } from '../limits.ts';

export const SOFT_DELETE_PURGER_JOB = 'soft-delete-purger';
export const SOFT_DELETE_PURGER_LOCK_KEY = 2;


/** ~200 ms per chunk keeps each statement's row locks short and far inside statement_timeout */
export const PURGE_CHUNK_PLAN: ChunkPlan = { initialRows: 1000, minRows: 100, maxRows: 10_000, targetMs: 200 };

export function softDeletePurgerJob(options: {
  retentionDays: number;
  chunkPlan?: ChunkPlan;
  maxRunMs?: number;
  observeChunk?: (rows: number, ms: number) => void;
}): JobDefinition {
  return {
    name: SOFT_DELETE_PURGER_JOB,
    schedule: '0 4 * * *',
    lockKey: SOFT_DELETE_PURGER_LOCK_KEY,
    maxRunMs: options.maxRunMs ?? 20 * MINUTE,
    minGapSeconds: 3600,
    async run(context) {
      const plan = options.chunkPlan ?? PURGE_CHUNK_PLAN;
      const stats = await deleteInChunks(context, purgeSoftDeletedSamples, options.retentionDays, plan, options.observeChunk);
      if (stats.stoppedBy !== 'done') return { affectedRows: stats.deletedRows, details: { ...stats } };
      const tombstones = await deleteInChunks(context, purgeExpiredTombstones, options.retentionDays, plan);
      return { affectedRows: stats.deletedRows + tombstones.deletedRows, details: { ...stats, tombstones } };
    },
  };
}
