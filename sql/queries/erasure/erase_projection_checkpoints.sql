-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of projection_checkpoints —
-- how far each projection applied the user's seqs.
-- One short statement per chunk, like the soft-delete purger's, but rows a writer holds are
-- waited for, not skipped: the fence stops new writes, so only a write already in flight (or an
-- outbox apply) can hold one, briefly, and the step must leave nothing behind.
-- $1 user_id uuid, $2 chunk_rows integer
WITH doomed AS (
  SELECT ctid FROM projection_checkpoints WHERE user_id = $1::uuid LIMIT $2::integer FOR UPDATE
), gone AS (
  DELETE FROM projection_checkpoints WHERE ctid = ANY (ARRAY(SELECT ctid FROM doomed)) RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone
