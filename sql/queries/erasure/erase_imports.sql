-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of imports —
-- the imports themselves (their stored files went in the step before; a chunk the upload of a
-- file in flight appended since goes with its import: ON DELETE CASCADE). An import's slice
-- running meanwhile finds its row gone (it is fenced off in the write core anyway) and stops.
-- One short statement per chunk; rows a writer holds are waited for (see erase_health_samples).
-- The erasure's count for the table grows in the same statement.
-- The DELETE reaches the chunk's rows by TID whatever the generic plan (see erase_health_samples.sql).
-- $1 user_id uuid, $2 chunk_rows integer, $3 erasure_id uuid
WITH doomed AS (
  SELECT ctid FROM imports WHERE user_id = $1::uuid
  ORDER BY created_at DESC, id DESC
  LIMIT $2::integer
  FOR UPDATE
), gone AS (
  DELETE FROM imports t USING doomed d WHERE t.ctid = d.ctid RETURNING 1
), counted AS (
  UPDATE user_erasures
  SET deleted = jsonb_set(deleted, '{imports}', to_jsonb(coalesce((deleted ->> 'imports')::bigint, 0) + (SELECT count(*) FROM gone)))
  WHERE id = $3::uuid
)
SELECT count(*)::integer AS deleted FROM gone
