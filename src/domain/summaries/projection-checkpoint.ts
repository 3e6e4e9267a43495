// How far a projection has got through one user's change sequence. Seqs of a user are 1, 2, 3, …
// with exactly one outbox event each, but events are applied in any order (several processors,
// retries, dead letters replayed later). `projectedSeq` is the highest seq such that every seq up
// to it has been applied; seqs applied above it wait in `appliedSeqs` until the gap closes.
// Reads use projectedSeq for read-your-writes: "everything up to N is in the read model".

export interface Checkpoint {
  projectedSeq: number;
  /** applied seqs above projectedSeq, ascending, without duplicates */
  appliedSeqs: readonly number[];
}

export const EMPTY_CHECKPOINT: Checkpoint = { projectedSeq: 0, appliedSeqs: [] };

/** The checkpoint after also applying `seqs` (any order, duplicates and old seqs allowed). */
export function advanceCheckpoint(checkpoint: Checkpoint, seqs: Iterable<number>): Checkpoint {
  const above = new Set(checkpoint.appliedSeqs);
  for (const seq of seqs) {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`not a change seq: ${seq}`);
    if (seq > checkpoint.projectedSeq) above.add(seq);
  }
  let projectedSeq = checkpoint.projectedSeq;
  while (above.delete(projectedSeq + 1)) projectedSeq += 1;
  return { projectedSeq, appliedSeqs: [...above].sort((a, b) => a - b) };
}

export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  return (
    a.projectedSeq === b.projectedSeq &&
    a.appliedSeqs.length === b.appliedSeqs.length &&
    a.appliedSeqs.every((seq, i) => seq === b.appliedSeqs[i])
  );
}
