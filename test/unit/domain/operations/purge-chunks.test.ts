import { describe, expect, test } from 'bun:test';
import { afterChunk, nextChunkRows, type ChunkPlan } from '../../../../src/domain/operations/purge-chunks.ts';

const plan: ChunkPlan = { initialRows: 1000, minRows: 100, maxRows: 10_000, targetMs: 200 };

describe('nextChunkRows', () => {
  test.each([
    // [last rows, last ms, next rows]
    [1000, 200, 1000], // on target: keep
    [1000, 150, 1333], // a little fast: grow towards the target
    [1000, 10, 2000], // far too fast: at most double
    [1000, 250, 800], // a little slow: shrink towards the target
    [1000, 5000, 500], // one very slow chunk (a checkpoint): at most halve
    [8000, 10, 10_000], // never above maxRows
    [150, 5000, 100], // never below minRows
    [1000, 0, 2000], // too fast to measure: double
  ])('after %p rows in %p ms → %p rows', (lastRows, lastMs, next) => {
    expect(nextChunkRows(plan, lastRows, lastMs)).toBe(next);
  });

  test('converges on the size that takes targetMs at a steady speed', () => {
    const msPerRow = 0.05; // 4000 rows take the 200 ms target
    let rows = plan.initialRows;
    for (let i = 0; i < 20; i++) rows = nextChunkRows(plan, rows, rows * msPerRow);
    expect(rows).toBe(4000);
  });
});

describe('afterChunk', () => {
  test.each([
    // [deleted, chunk size, now, deadline, verdict]
    [0, 1000, 0, 10, 'done'], // an empty chunk: nothing left
    [0, 1000, 50, 10, 'done'], // nothing left beats the deadline
    [999, 1000, 0, 10, 'continue'], // short only because a writer held a row: more may be left
    [1000, 1000, 0, 10, 'continue'],
    [1000, 1000, 10, 10, 'deadline'],
  ] as const)('%p of %p rows at %p ms (deadline %p) → %s', (deletedRows, chunkRows, nowMs, deadlineMs, verdict) => {
    expect(afterChunk({ deletedRows, chunkRows, nowMs, deadlineMs })).toBe(verdict);
  });
});
