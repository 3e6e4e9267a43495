-- A page of a user's live samples of one metric, keyset-paginated on
-- (start_at, source_id, source_record_id) within the metric.
-- health_samples_live_by_metric_time orders by start_at only (migration 0012), so the page is
-- read in two steps: the first $8 rows in start order, with every row sharing the last one's
-- start (WITH TIES: they hold the page whatever their source and record id), straight off the
-- index; then those few sorted by the whole key. However few rows a generic plan expects, the
-- read stops after the page (test/integration/db/generic-plans.test.ts).
-- $1 user_id uuid, $2 metric_code text (canonical), $3 from timestamptz (null = open),
-- $4 to timestamptz (inclusive; null = open), $5 after_start_at timestamptz (null = first page),
-- $6 after_source_id text, $7 after_source_record_id text, $8 limit integer
SELECT source_id, source_record_id, metric_code, value_kind, value, unit, category_code,
       duration_seconds, start_at, end_at, timezone_offset_minutes, timezone_source, local_date::text AS local_date,
       metadata, source_version
FROM (
  SELECT *
  FROM health_samples
  WHERE user_id = $1::uuid
    AND metric_code = $2::text
    AND deleted_at IS NULL
    AND start_at >= coalesce($3::timestamptz, '-infinity')
    AND start_at <= coalesce($4::timestamptz, 'infinity')
    AND (start_at, source_id, source_record_id)
        > (coalesce($5::timestamptz, '-infinity'), coalesce($6::text, ''), coalesce($7::text, ''))
  ORDER BY start_at
  FETCH FIRST ($8::integer) ROWS WITH TIES
) AS page_rows
ORDER BY start_at, source_id, source_record_id
LIMIT $8::integer
