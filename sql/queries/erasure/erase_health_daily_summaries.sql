-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of health_daily_summaries —
-- the daily summaries (the projection's read model).
-- One short statement per chunk, like the soft-delete purger's, but rows a writer holds are
-- waited for, not skipped: the fence stops new writes, so only a write already in flight (or an
-- outbox apply) can hold one, briefly, and the step must leave nothing behind. The erasure's
-- count for the table grows in the same statement, so the audit record is exact across crashes.
-- ORDER BY follows the index that starts with user_id: a generic plan walks it too, instead of a
-- scan of the table that a LIMIT makes look cheap when few users hold many rows.
-- The DELETE reaches the chunk's rows by TID whatever the generic plan (see erase_health_samples.sql).
-- $1 user_id uuid, $2 chunk_rows integer, $3 erasure_id uuid
WITH doomed AS (
  SELECT ctid FROM health_daily_summaries WHERE user_id = $1::uuid
  ORDER BY metric_code, local_date
  LIMIT $2::integer FOR UPDATE
), gone AS (
  DELETE FROM health_daily_summaries t USING doomed d WHERE t.ctid = d.ctid RETURNING 1
), counted AS (
  UPDATE user_erasures
  SET deleted = jsonb_set(deleted, '{health_daily_summaries}', to_jsonb(coalesce((deleted ->> 'health_daily_summaries')::bigint, 0) + (SELECT count(*) FROM gone)))
  WHERE id = $3::uuid
)
SELECT count(*)::integer AS deleted FROM gone
