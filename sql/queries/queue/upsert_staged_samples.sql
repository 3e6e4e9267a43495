-- Applies the staged rows of a group of requests (at most one request per user, each user's
-- advisory lock already held) with the same conflict rules as ingest/upsert_samples:
-- the write received later wins, unless both sides carry a source version (higher wins); a write
-- that changes nothing is skipped; writing a soft-deleted key revives it; the tombstone rule of
-- ingest/upsert_samples (same text) skips a sample a later-received delete ref matches.
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
WHERE NOT g.tombstoned
   OR NOT EXISTS (SELECT 1 FROM health_sample_tombstones t
                  WHERE t.user_id = g.user_id AND t.source_record_id = i.source_record_id
                    AND t.received_at >= g.received_at
                    AND (t.source_id IS NULL OR t.source_id = i.source_id)
                    AND (t.metric_code IS NULL OR t.metric_code = i.metric_code)
                    AND (t.start_at IS NULL OR t.start_at = i.start_at))
ON CONFLICT (user_id, source_record_id, source_id, start_at, metric_code) DO UPDATE
SET end_at = excluded.end_at, value_kind = excluded.value_kind,
    value = excluded.value, unit = excluded.unit, category_code = excluded.category_code,
    duration_seconds = excluded.duration_seconds,
    timezone_offset_minutes = excluded.timezone_offset_minutes,
    timezone_source = excluded.timezone_source, local_date = excluded.local_date,
    metadata = excluded.metadata, source_version = excluded.source_version,
    received_at = greatest(s.received_at, excluded.received_at),
    changed_seq = excluded.changed_seq, deleted_at = NULL,
    previous_span = CASE
      WHEN s.deleted_at IS NULL
           AND (s.end_at, s.timezone_offset_minutes) IS DISTINCT FROM (excluded.end_at, excluded.timezone_offset_minutes)
        THEN jsonb_build_array(s.metric_code, s.start_at, s.end_at, s.timezone_offset_minutes)
    END
WHERE (CASE
         WHEN s.deleted_at IS NULL AND s.source_version IS NOT NULL
              AND excluded.source_version IS NOT NULL AND s.source_version <> excluded.source_version
           THEN excluded.source_version > s.source_version
         ELSE excluded.received_at >= s.received_at
       END)
  AND (s.deleted_at IS NOT NULL
       OR (s.end_at, s.value_kind, s.value, s.unit, s.category_code,
           s.duration_seconds, s.timezone_offset_minutes, s.timezone_source, s.local_date,
           s.metadata, s.source_version)
          IS DISTINCT FROM
          (excluded.end_at, excluded.value_kind, excluded.value,
           excluded.unit, excluded.category_code, excluded.duration_seconds,
           excluded.timezone_offset_minutes, excluded.timezone_source, excluded.local_date,
           excluded.metadata, excluded.source_version))
RETURNING s.user_id, s.source_id, s.source_record_id, s.metric_code, s.start_at, s.changed_seq, s.previous_span
