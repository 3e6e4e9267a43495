// The contiguous checkpoint: projectedSeq only passes seqs that were all applied.
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { advanceCheckpoint, EMPTY_CHECKPOINT } from '../../../../src/domain/summaries/projection-checkpoint.ts';

describe('advanceCheckpoint', () => {
  test.each([
    ['in order', [1, 2, 3], 3, []],
    ['a gap holds it back', [1, 3, 4], 1, [3, 4]],
    ['out of order', [3, 2], 0, [2, 3]],
    ['duplicates count once', [2, 2, 1, 1], 2, []],
  ])('%s', (_name, seqs, projectedSeq, appliedSeqs) => {
    expect(advanceCheckpoint(EMPTY_CHECKPOINT, seqs)).toEqual({ projectedSeq, appliedSeqs });
  });

  test('closing the gap later advances past everything applied above it', () => {
    const waiting = advanceCheckpoint(EMPTY_CHECKPOINT, [2, 3, 5]);
    expect(advanceCheckpoint(waiting, [1])).toEqual({ projectedSeq: 3, appliedSeqs: [5] });
  });

  test('old seqs (at or below projectedSeq) change nothing', () => {
    expect(advanceCheckpoint({ projectedSeq: 7, appliedSeqs: [9] }, [3, 7])).toEqual({ projectedSeq: 7, appliedSeqs: [9] });
  });

  test('refuses what is not a seq', () => {
    expect(() => advanceCheckpoint(EMPTY_CHECKPOINT, [0])).toThrow();
    expect(() => advanceCheckpoint(EMPTY_CHECKPOINT, [1.5])).toThrow();
  });

  test('law: any order, any duplication, any split into steps ends at n with nothing waiting', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.shuffledSubarray([...Array(n).keys()].map((i) => i + 1), { minLength: n, maxLength: n }),
            fc.array(fc.integer({ min: 1, max: n }), { maxLength: 20 }),
            fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }),
          ),
        ),
        ([n, order, duplicates, stepSizes]) => {
          const seqs = [...order, ...duplicates];
          let checkpoint = EMPTY_CHECKPOINT;
          let i = 0;
          for (let step = 0; i < seqs.length; step++) {
            const size = stepSizes[step % stepSizes.length]!;
            checkpoint = advanceCheckpoint(checkpoint, seqs.slice(i, i + size));
            i += size;
            // never claims a seq that has not been applied
            const applied = new Set(seqs.slice(0, i));
            for (let seq = 1; seq <= checkpoint.projectedSeq; seq++) expect(applied.has(seq)).toBe(true);
          }
          expect(checkpoint).toEqual({ projectedSeq: n, appliedSeqs: [] });
        },
      ),
    );
  });
});
