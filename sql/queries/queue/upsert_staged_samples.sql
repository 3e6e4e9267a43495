-- Applies the staged rows of a group of requests (at most one request per user, each user's
-- advisory lock already held) with the same conflict rules as ingest/upsert_samples:
-- the write received later wins, unless both sides carry a source version (higher wins); a write
-- that changes nothing is skipped; writing a soft-deleted key revives it.
-- Rows are deduplicated per request by the caller. Each user's rows get that user's next seq.
-- Returns one row per written sample: its slot (request) and ordinal, and the row it replaced.
WITH input AS (
  SELECT st.slot::int AS slot, st.ordinal::int AS ordinal, st.user_id::uuid AS user_id,
         st.received_at::timestamptz AS received_at, st.source_id, st.source_record_id,
         st.start_at::timestamptz AS start_at, st.end_at::timestamptz AS end_at, st.metric_code,
         st.value_kind, st.value::float8 AS value, st.unit, st.category_code,
         st.duration_seconds::float8 AS duration_seconds,
         st.timezone_offset_minutes::int2 AS timezone_offset_minutes, st.timezone_source,
         st.local_date::date AS local_date, st.metadata::jsonb AS metadata,
         st.source_version::int8 AS source_version
  FROM ingest_staging st
),
next_seq AS (
  SELECT u.user_id, coalesce(w.seq, 0) + 1 AS seq
  FROM (SELECT DISTINCT user_id FROM input) u
  LEFT JOIN user_health_watermarks w ON w.user_id = u.user_id
),
previous AS (
  SELECT s.user_id, s.source_id, s.source_record_id, s.start_at, s.metric_code, s.end_at,
         s.timezone_offset_minutes, s.deleted_at IS NOT NULL AS was_deleted
  FROM health_samples s
  JOIN input i ON s.user_id = i.user_id AND s.source_id = i.source_id
              AND s.source_record_id = i.source_record_id AND s.start_at = i.start_at
),
written AS (
  INSERT INTO health_samples AS s
    (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
     category_code, duration_seconds, timezone_offset_minutes, timezone_source, local_date, metadata,
     source_version, received_at, changed_seq, deleted_at)
  SELECT i.user_id, i.source_id, i.source_record_id, i.start_at, i.end_at, i.metric_code,
         i.value_kind, i.value, i.unit, i.category_code, i.duration_seconds,
         i.timezone_offset_minutes, i.timezone_source, i.local_date, i.metadata, i.source_version,
         i.received_at, n.seq, NULL
  FROM input i JOIN next_seq n ON n.user_id = i.user_id
  ORDER BY i.user_id, i.source_id, i.source_record_id, i.start_at
  ON CONFLICT (user_id, source_id, source_record_id, start_at) DO UPDATE
  SET end_at = excluded.end_at, metric_code = excluded.metric_code, value_kind = excluded.value_kind,
      value = excluded.value, unit = excluded.unit, category_code = excluded.category_code,
      duration_seconds = excluded.duration_seconds,
      timezone_offset_minutes = excluded.timezone_offset_minutes,
      timezone_source = excluded.timezone_source, local_date = excluded.local_date,
      metadata = excluded.metadata, source_version = excluded.source_version,
      received_at = greatest(s.received_at, excluded.received_at),
      changed_seq = excluded.changed_seq, deleted_at = NULL
  WHERE (CASE
           WHEN s.deleted_at IS NULL AND s.source_version IS NOT NULL
                AND excluded.source_version IS NOT NULL AND s.source_version <> excluded.source_version
             THEN excluded.source_version > s.source_version
           ELSE excluded.received_at >= s.received_at
         END)
    AND (s.deleted_at IS NOT NULL
         OR (s.end_at, s.metric_code, s.value_kind, s.value, s.unit, s.category_code,
             s.duration_seconds, s.timezone_offset_minutes, s.timezone_source, s.local_date,
             s.metadata, s.source_version)
            IS DISTINCT FROM
            (excluded.end_at, excluded.metric_code, excluded.value_kind, excluded.value,
             excluded.unit, excluded.category_code, excluded.duration_seconds,
             excluded.timezone_offset_minutes, excluded.timezone_source, excluded.local_date,
             excluded.metadata, excluded.source_version))
  RETURNING s.user_id, s.source_id, s.source_record_id, s.start_at, s.changed_seq
)
SELECT i.slot, i.ordinal, w.changed_seq,
       p.metric_code AS previous_metric_code, p.start_at AS previous_start_at,
       p.end_at AS previous_end_at, p.timezone_offset_minutes AS previous_timezone_offset_minutes,
       coalesce(p.was_deleted, false) AS was_deleted
FROM written w
JOIN input i USING (user_id, source_id, source_record_id, start_at)
LEFT JOIN previous p USING (user_id, source_id, source_record_id, start_at)
