-- Marks deleted every live sample of the user matching a delete ref; a ref's absent fields
-- match anything (a record id alone matches across sources and start times).
-- A delete received before the row's last write does not apply (CONTRACT §4.4).
-- Runs after upsert_samples in the same transaction, under the user's advisory lock.
-- Returns the rows it deleted (metric and times, for the outbox event).
-- $1 user_id uuid, $2 received_at timestamptz,
-- $3 source_record_id text[], $4 source_id text[] (null = any), $5 start_at timestamptz[] (null = any)
WITH refs AS (
  SELECT *
  FROM unnest($3::text[], $4::text[], $5::timestamptz[]) AS r(source_record_id, source_id, start_at)
),
next_seq AS (
  SELECT coalesce(max(w.seq), 0) + 1 AS seq FROM user_health_watermarks w WHERE w.user_id = $1::uuid
)
UPDATE health_samples s
SET deleted_at = $2::timestamptz, received_at = $2::timestamptz, changed_seq = n.seq
FROM refs r, next_seq n
WHERE s.user_id = $1::uuid
  AND s.source_record_id = r.source_record_id
  AND (r.source_id IS NULL OR s.source_id = r.source_id)
  AND (r.start_at IS NULL OR s.start_at = r.start_at)
  AND s.deleted_at IS NULL
  AND s.received_at <= $2::timestamptz
RETURNING s.metric_code, s.start_at, s.end_at, s.timezone_offset_minutes, s.changed_seq
