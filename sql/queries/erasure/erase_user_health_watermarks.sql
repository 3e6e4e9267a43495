-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of user_health_watermarks —
-- the watermark (last: the final transaction's health.user.erased event then takes seq 1).
-- One short statement per chunk, like the soft-delete purger's, but rows a writer holds are
-- waited for, not skipped: the fence stops new writes, so only a write already in flight (or an
-- outbox apply) can hold one, briefly, and the step must leave nothing behind. The erasure's
-- count for the table grows in the same statement, so the audit record is exact across crashes.
-- The DELETE reaches the chunk's rows by TID whatever the generic plan (see erase_health_samples.sql).
-- $1 user_id uuid, $2 chunk_rows integer, $3 erasure_id uuid
WITH doomed AS (
  SELECT ctid FROM user_health_watermarks WHERE user_id = $1::uuid LIMIT $2::integer FOR UPDATE
), gone AS (
  DELETE FROM user_health_watermarks t USING doomed d WHERE t.ctid = d.ctid RETURNING 1
), counted AS (
  UPDATE user_erasures
  SET deleted = jsonb_set(deleted, '{user_health_watermarks}', to_jsonb(coalesce((deleted ->> 'user_health_watermarks')::bigint, 0) + (SELECT count(*) FROM gone)))
  WHERE id = $3::uuid
)
SELECT count(*)::integer AS deleted FROM gone
