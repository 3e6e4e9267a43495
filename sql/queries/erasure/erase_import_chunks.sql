-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the stored files of the
-- user's imports (import_chunks, up to 1 MiB each: the step's chunks are a few rows).
-- import_chunks has no user_id: its rows are the user's through imports (import_id); deleting them
-- before the imports rows keeps each statement small (a cascade from imports would delete a whole
-- file's chunks in one statement).
-- One short statement per chunk; rows a writer holds are waited for (see erase_health_samples).
-- The erasure's count for the table grows in the same statement.
-- The DELETE reaches the chunk's rows by TID whatever the generic plan (see erase_health_samples.sql).
-- $1 user_id uuid, $2 chunk_rows integer, $3 erasure_id uuid
-- The user's imports by imports_by_user, then each one's chunks by primary key (a lateral probe:
-- as a plain join ordered by the chunks' key, the generic plan walked every user's chunks).
WITH doomed AS (
  SELECT c.ctid
  FROM (SELECT id FROM imports WHERE user_id = $1::uuid ORDER BY created_at DESC, id DESC) AS i
  CROSS JOIN LATERAL (
    SELECT ctid FROM import_chunks WHERE import_id = i.id ORDER BY seq LIMIT $2::integer FOR UPDATE
  ) AS c
  LIMIT $2::integer
), gone AS (
  DELETE FROM import_chunks t USING doomed d WHERE t.ctid = d.ctid RETURNING 1
), counted AS (
  UPDATE user_erasures
  SET deleted = jsonb_set(deleted, '{import_chunks}', to_jsonb(coalesce((deleted ->> 'import_chunks')::bigint, 0) + (SELECT count(*) FROM gone)))
  WHERE id = $3::uuid
)
SELECT count(*)::integer AS deleted FROM gone
