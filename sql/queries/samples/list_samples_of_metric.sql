-- A page of a user's live samples of one metric, keyset-paginated on
-- (start_at, source_id, source_record_id) within the metric; served by
-- health_samples_live_by_metric_time.
-- $1 user_id uuid, $2 metric_code text (canonical), $3 from timestamptz (null = open),
-- $4 to timestamptz (inclusive; null = open), $5 after_start_at timestamptz (null = first page),
-- $6 after_source_id text, $7 after_source_record_id text, $8 limit integer
SELECT source_id, source_record_id, metric_code, value_kind, value, unit, category_code,
       duration_seconds, start_at, end_at, timezone_offset_minutes, timezone_source, local_date::text AS local_date,
       metadata, source_version
FROM health_samples
WHERE user_id = $1::uuid
  AND metric_code = $2::text
  AND deleted_at IS NULL
  AND start_at >= coalesce($3::timestamptz, '-infinity')
  AND start_at <= coalesce($4::timestamptz, 'infinity')
  AND (start_at, source_id, source_record_id)
      > (coalesce($5::timestamptz, '-infinity'), coalesce($6::text, ''), coalesce($7::text, ''))
ORDER BY start_at, source_id, source_record_id
LIMIT $8::integer
