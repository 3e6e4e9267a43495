-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of
-- health_samples — live and soft-deleted samples.
-- One short statement per chunk, like the soft-delete purger's, but rows a writer holds are
-- waited for, not skipped: the fence stops new writes, so only a write already in flight (or an
-- outbox apply) can hold one, briefly, and the step must leave nothing behind. The erasure's
-- count for the table grows in the same statement, so the audit record is exact across crashes.
-- Keyset: the chunks walk the primary key in order, each from the key after the last one deleted
-- ($4, returned as `after`). Restarting every chunk at the user's first key would step over all
-- the index entries deleted before it, which stay until vacuum can reclaim them (never, while any
-- long transaction holds the horizon back): measured, 3M samples took 266 s that way. A row a
-- write in flight added behind the walk is taken by the final transaction, which starts afresh.
-- The DELETE reaches the chunk's rows by TID whatever the generic plan: joined with doomed by
-- ctid, a TID probe per row. As `ctid = ANY (ARRAY(…))`, a plan made while the table was empty
-- (and kept by the connection) read the whole table per chunk: ten TID fetches looked dearer
-- than a table of a few pages (test/integration/db/generic-plans.test.ts). Not both: `= ANY`
-- beside the join becomes the probe's filter, each row compared with the whole chunk (a chunk of
-- 10,000: ~670 ms instead of ~80).
-- $1 user_id uuid, $2 chunk_rows integer, $3 erasure_id uuid,
-- $4 after jsonb ([source_record_id, source_id, start_at, metric_code] of the last row deleted; null: from the start)
WITH doomed AS (
  SELECT ctid, source_record_id, source_id, start_at, metric_code
  FROM health_samples
  WHERE user_id = $1::uuid
    AND (source_record_id, source_id, start_at, metric_code)
        > (coalesce($4::jsonb ->> 0, ''), coalesce($4::jsonb ->> 1, ''),
           coalesce(($4::jsonb ->> 2)::timestamptz, '-infinity'), coalesce($4::jsonb ->> 3, ''))
  ORDER BY source_record_id, source_id, start_at, metric_code
  LIMIT $2::integer
  FOR UPDATE
), gone AS (
  DELETE FROM health_samples t USING doomed d WHERE t.ctid = d.ctid RETURNING 1
), counted AS (
  UPDATE user_erasures
  SET deleted = jsonb_set(deleted, '{health_samples}', to_jsonb(coalesce((deleted ->> 'health_samples')::bigint, 0) + (SELECT count(*) FROM gone)))
  WHERE id = $3::uuid
)
SELECT (SELECT count(*) FROM gone)::integer AS deleted,
       (SELECT jsonb_build_array(d.source_record_id, d.source_id, d.start_at, d.metric_code)
        FROM doomed d ORDER BY d.source_record_id DESC, d.source_id DESC, d.start_at DESC, d.metric_code DESC LIMIT 1) AS after
