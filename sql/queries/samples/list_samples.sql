-- A page of a user's live samples of every metric, keyset-paginated on
-- (metric_code, start_at, source_id, source_record_id): unique per user, so pages never overlap
-- or skip.
-- health_samples_live_by_metric_time orders by (metric_code, start_at) only (migration 0012), so
-- the page is read in two steps: the first $8 rows in that order, with every row sharing the
-- last one's (metric, start) (WITH TIES: they hold the page whatever their source and record
-- id), straight off the index; then those few sorted by the whole key. However few rows a
-- generic plan expects, the read stops after the page (test/integration/db/generic-plans.test.ts).
-- $1 user_id uuid, $2 from timestamptz (null = open), $3 to timestamptz (inclusive; null = open),
-- $4 after_metric_code text (null = first page), $5 after_start_at timestamptz,
-- $6 after_source_id text, $7 after_source_record_id text, $8 limit integer
SELECT source_id, source_record_id, metric_code, value_kind, value, unit, category_code,
       duration_seconds, start_at, end_at, timezone_offset_minutes, timezone_source, local_date::text AS local_date,
       metadata, source_version
FROM (
  SELECT *
  FROM health_samples
  WHERE user_id = $1::uuid
    AND deleted_at IS NULL
    AND start_at >= coalesce($2::timestamptz, '-infinity')
    AND start_at <= coalesce($3::timestamptz, 'infinity')
    AND (metric_code, start_at, source_id, source_record_id)
        > (coalesce($4::text, ''), coalesce($5::timestamptz, '-infinity'), coalesce($6::text, ''), coalesce($7::text, ''))
  ORDER BY metric_code, start_at
  FETCH FIRST ($8::integer) ROWS WITH TIES
) AS page_rows
ORDER BY metric_code, start_at, source_id, source_record_id
LIMIT $8::integer
