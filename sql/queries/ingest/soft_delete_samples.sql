-- Marks deleted every live sample of the user matching a delete ref; a ref's absent fields
-- match anything (a record id alone matches across sources, metrics and start times).
-- A delete received before the row's last write does not apply (CONTRACT §4.4).
-- Every ref also leaves a tombstone (migration 0006), matched or not, so a write received before
-- the delete but processed after it (a queued batch, a slow request) is skipped by the upserts'
-- tombstone rule; the same ref sent again keeps its latest receipt time. The user's watermark row
-- remembers the latest delete's receipt, the upserts' cheap guard (a new row starts at seq 0, which
-- reads as no change). Data-modifying CTEs always run, referenced or not.
-- Runs after upsert_samples in the same transaction, under the user's advisory lock.
-- Returns the rows it deleted (metric and times, for the outbox event).
-- $1 user_id uuid, $2 received_at timestamptz, $3 source_record_id text[],
-- $4 source_id text[] (null = any), $5 start_at timestamptz[] (null = any),
-- $6 metric_code text[] (canonical code; null = any). Refs are deduplicated by the caller.
WITH refs AS (
  SELECT *
  FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS r(source_record_id, source_id, start_at, metric_code)
),
tombstones AS (
  INSERT INTO health_sample_tombstones AS t (user_id, source_record_id, source_id, metric_code, start_at, received_at)
  SELECT DISTINCT $1::uuid, r.source_record_id, r.source_id, r.metric_code, r.start_at, $2::timestamptz
  FROM refs r
  ON CONFLICT ON CONSTRAINT health_sample_tombstones_ref DO UPDATE
  SET received_at = excluded.received_at
  WHERE t.received_at < excluded.received_at
),
guard AS (
  INSERT INTO user_health_watermarks AS w (user_id, seq, last_delete_received_at)
  VALUES ($1::uuid, 0, $2::timestamptz)
  ON CONFLICT (user_id) DO UPDATE
  SET last_delete_received_at = excluded.last_delete_received_at
  WHERE w.last_delete_received_at IS NULL OR w.last_delete_received_at < excluded.last_delete_received_at
),
next_seq AS (
  SELECT coalesce(max(w.seq), 0) + 1 AS seq FROM user_health_watermarks w WHERE w.user_id = $1::uuid
),
-- Each ref probes the primary key (user_id, source_record_id, …) for its own rows: the lateral
-- subquery is not flattened (OFFSET 0), so no generic plan can turn the refs into a hash join
-- over all of the user's samples — which a database never analyzed (autovacuum off) planned, and
-- kept: 23,042 rows visited for 3 refs (test/integration/db/generic-plans.test.ts). The probe
-- leaves `deleted_at IS NULL` to the UPDATE (checked on the row it reaches by TID): with it, a
-- never-analyzed table's partial live index (estimated, without statistics, to hold 0.5 % of
-- the rows) looked cheaper than the key, and was walked over the whole user for every ref.
doomed AS (
  SELECT m.ctid
  FROM refs r
  CROSS JOIN LATERAL (
    SELECT s.ctid
    FROM health_samples s
    WHERE s.user_id = $1::uuid
      AND s.source_record_id = r.source_record_id
      AND (r.source_id IS NULL OR s.source_id = r.source_id)
      AND (r.metric_code IS NULL OR s.metric_code = r.metric_code)
      AND (r.start_at IS NULL OR s.start_at = r.start_at)
    OFFSET 0
  ) m
)
UPDATE health_samples s
SET deleted_at = $2::timestamptz, received_at = $2::timestamptz, changed_seq = n.seq
FROM doomed d, next_seq n
WHERE s.ctid = d.ctid
  AND s.deleted_at IS NULL
  AND s.received_at <= $2::timestamptz
RETURNING s.metric_code, s.start_at, s.end_at, s.timezone_offset_minutes, s.changed_seq
