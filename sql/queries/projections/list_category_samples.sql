-- A user's live samples of metrics summarized in seconds (CATEGORY metrics, and INTERVAL_NUM
-- metrics with categories such as workouts; the caller names only such cells) that may reach
-- the given (metric, local date) cells: those starting on the cell's date or up to $4 local
-- dates before it (the look-back bound: an interval counts in its start date and the $4 dates
-- after it, see CATEGORY_LOOKBACK_DAYS).
-- Each sample once, in a fixed order.
-- One index probe of health_samples_by_local_date per (metric, date) window: OFFSET 0 keeps the
-- LATERAL subquery from being flattened into a join, which a generic plan (prepared statements)
-- could run as a scan of the user's whole history (test/integration/db/generic-plans.test.ts).
-- $1 user_id uuid, $2 metric_code text[], $3 local_date date[] (parallel arrays: the cells),
-- $4 lookback_days integer
-- Live rows as `coalesce(deleted_at, 'infinity') = 'infinity'`, not `deleted_at IS NULL`: the
-- partial live index (user, metric, start) then cannot serve the cell, which a database never
-- analyzed (autovacuum off) planned it to do, estimating `IS NULL` at 0.5 % of the table, and so
-- walked every sample of the metric per cell (the webhook bench's lag p99 231 ms → 8.8 s after
-- migration 0012 narrowed that index); the cell is one probe of (user, metric, local_date).
WITH windows AS (
  SELECT DISTINCT c.metric_code, c.local_date - k AS local_date
  FROM unnest($2::text[], $3::date[]) AS c(metric_code, local_date),
       generate_series(0, $4::integer) AS k
)
SELECT s.metric_code, s.source_id, s.category_code, s.start_at, s.end_at, s.timezone_offset_minutes
FROM windows w
CROSS JOIN LATERAL (
  SELECT s.metric_code, s.source_id, s.source_record_id, s.category_code, s.start_at, s.end_at,
         s.timezone_offset_minutes
  FROM health_samples s
  WHERE s.user_id = $1::uuid AND s.metric_code = w.metric_code AND s.local_date = w.local_date
    AND coalesce(s.deleted_at, 'infinity') = 'infinity'
  OFFSET 0
) AS s
ORDER BY s.metric_code, s.start_at, s.source_id, s.source_record_id
