-- Applies the staged rows of a group of requests (at most one request per user, each user's
-- advisory lock already held) with the same conflict and tombstone rules as upsert_samples
-- (_sample_write_rules): the write received later wins unless both sides carry a source version,
-- no-op writes are skipped, a write revives a deleted key, a later-received delete ref's
-- tombstone skips the sample.
-- Rows are deduplicated per request by the caller. Each user's rows get that user's next seq.
-- Returns one row per written sample: its user and key, the seq, and previous_span (see
-- ingest/upsert_samples).
WITH next_seq AS (
  SELECT u.user_id, coalesce(w.seq, 0) + 1 AS seq
  FROM (SELECT DISTINCT st.user_id::uuid AS user_id FROM ingest_staging st) u
  LEFT JOIN user_health_watermarks w ON w.user_id = u.user_id
),
tombstone_guard AS (
  SELECT u.user_id, u.received_at, coalesce(w.last_delete_received_at >= u.received_at, false) AS tombstoned
  FROM (SELECT st.user_id::uuid AS user_id, min(st.received_at::timestamptz) AS received_at
        FROM ingest_staging st GROUP BY 1) u
  LEFT JOIN user_health_watermarks w ON w.user_id = u.user_id
)
INSERT INTO health_samples AS s
  (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
   category_code, duration_seconds, timezone_offset_minutes, timezone_source, local_date, metadata,
   source_version, received_at, changed_seq, deleted_at, previous_span)
SELECT n.user_id, st.source_id, st.source_record_id, st.start_at::timestamptz, st.end_at::timestamptz,
       st.metric_code, st.value_kind, st.value::float8, st.unit, st.category_code,
       st.duration_seconds::float8, st.timezone_offset_minutes::int2, st.timezone_source,
       st.local_date::date, st.metadata::jsonb, st.source_version::int8,
       st.received_at::timestamptz, n.seq, NULL, NULL
FROM ingest_staging st
JOIN next_seq n ON n.user_id = st.user_id::uuid
JOIN tombstone_guard g ON g.user_id = n.user_id
CROSS JOIN LATERAL (SELECT st.source_id, st.source_record_id, st.metric_code, st.start_at::timestamptz AS start_at) i
-- @include ingest/_sample_write_rules
RETURNING s.user_id, s.source_id, s.source_record_id, s.metric_code, s.start_at, s.changed_seq, s.previous_span
