// The loop shared by the purger and retention: delete in chunks, each one short statement (its own
// transaction on the pool), sized by nextChunkRows, until nothing is left, the tick's deadline
// passes, or the process shuts down. Nothing is held between chunks.
import { afterChunk, nextChunkRows, type ChunkPlan } from '../domain/operations/purge-chunks.ts';
import type { ChunkDelete } from './queries.ts';
import type { JobContext } from './runner.ts';

export interface ChunkedDeleteStats {
  deletedRows: number;
  chunks: number;
  largestChunkRows: number;
  slowestChunkMs: number;
  stoppedBy: 'done' | 'deadline' | 'shutdown';
}

export async function deleteInChunks(
  context: JobContext,
  deleteChunk: ChunkDelete,
  retentionDays: number,
  plan: ChunkPlan,
  /** sees each chunk (rows deleted, ms taken): for metrics and benchmarks */
  observeChunk?: (rows: number, ms: number) => void,
): Promise<ChunkedDeleteStats> {
  const stats: ChunkedDeleteStats = { deletedRows: 0, chunks: 0, largestChunkRows: 0, slowestChunkMs: 0, stoppedBy: 'done' };
  let rows = Math.max(plan.minRows, Math.min(plan.maxRows, plan.initialRows));
  for (;;) {
    if (context.signal.aborted) {
      stats.stoppedBy = 'shutdown';
      return stats;
    }
    const began = performance.now();
    const deleted = await deleteChunk(context.db, retentionDays, rows);
    const elapsedMs = performance.now() - began;
    observeChunk?.(deleted, elapsedMs);
    stats.chunks++;
    stats.deletedRows += deleted;
    stats.largestChunkRows = Math.max(stats.largestChunkRows, deleted);
    stats.slowestChunkMs = Math.max(stats.slowestChunkMs, Math.round(elapsedMs));
    const verdict = afterChunk({ deletedRows: deleted, chunkRows: rows, nowMs: context.now(), deadlineMs: context.deadlineMs });
    if (verdict !== 'continue') {
      stats.stoppedBy = verdict;
      return stats;
    }
    rows = nextChunkRows(plan, rows, elapsedMs);
  }
}
