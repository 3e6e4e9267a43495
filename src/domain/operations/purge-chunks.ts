// Chunk planning for jobs that delete many rows (soft-delete purger, retention): each chunk is
// its own short statement, sized so it takes about `targetMs`, and the loop stops at a deadline
// so a tick never runs (or holds its guard) longer than planned. The next tick resumes.

export interface ChunkPlan {
  /** rows in the first chunk */
  initialRows: number;
  minRows: number;
  maxRows: number;
  /** how long one chunk should take: short enough that no lock is held for long */
  targetMs: number;
}

/**
 * The next chunk's size from the last one's speed: aims at `targetMs`, at most doubles or halves
 * at a time (one slow chunk, e.g. a checkpoint, should not collapse the size), within the limits.
 */
export function nextChunkRows(plan: ChunkPlan, lastRows: number, lastElapsedMs: number): number {
  const clamp = (rows: number) => Math.max(plan.minRows, Math.min(plan.maxRows, Math.round(rows)));
  if (lastRows <= 0) return clamp(lastRows);
  if (!(lastElapsedMs > 0)) return clamp(lastRows * 2);
  const ideal = (lastRows * plan.targetMs) / lastElapsedMs;
  return clamp(Math.min(lastRows * 2, Math.max(lastRows / 2, ideal)));
}

export type ChunkVerdict = 'continue' | 'done' | 'deadline';

/**
 * After a chunk: an empty chunk means nothing (that is not locked by a writer) is left; otherwise
 * go on until the deadline. A short chunk is not the end: rows a writer holds are skipped, so a
 * chunk can come up short while due rows remain.
 */
export function afterChunk(input: { deletedRows: number; chunkRows: number; nowMs: number; deadlineMs: number }): ChunkVerdict {
  if (input.deletedRows === 0) return 'done';
  return input.nowMs >= input.deadlineMs ? 'deadline' : 'continue';
}
