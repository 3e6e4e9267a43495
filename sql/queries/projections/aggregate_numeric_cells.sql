-- Per-source aggregates of a user's live numeric samples in the given (metric, local date)
-- cells; a sample belongs to the local date of its start.
-- One index probe of health_samples_by_local_date per cell: the grouped LATERAL subquery cannot
-- be flattened into a join, so not even a generic plan (prepared statements) can turn it into a
-- scan of the user's whole history (test/integration/db/generic-plans.test.ts).
-- $1 user_id uuid, $2 metric_code text[], $3 local_date date[] (parallel arrays: the cells)
-- Live rows as `coalesce(deleted_at, 'infinity') = 'infinity'`, not `deleted_at IS NULL`: the
-- partial live index (user, metric, start) then cannot serve the cell, which a database never
-- analyzed (autovacuum off) planned it to do, estimating `IS NULL` at 0.5 % of the table, and so
-- walked every sample of the metric per cell (the webhook bench's lag p99 231 ms → 8.8 s after
-- migration 0012 narrowed that index); the cell is one probe of (user, metric, local_date).
SELECT c.metric_code, c.local_date::text AS local_date, a.source_id, a.sample_count,
       a.value_sum, a.value_min, a.value_max
FROM (SELECT DISTINCT metric_code, local_date FROM unnest($2::text[], $3::date[]) AS u(metric_code, local_date)) AS c
CROSS JOIN LATERAL (
  SELECT s.source_id, count(*)::integer AS sample_count, sum(s.value) AS value_sum,
         min(s.value) AS value_min, max(s.value) AS value_max
  FROM health_samples s
  WHERE s.user_id = $1::uuid AND s.metric_code = c.metric_code AND s.local_date = c.local_date
    AND coalesce(s.deleted_at, 'infinity') = 'infinity' AND s.value_kind <> 'CATEGORY'
  GROUP BY s.source_id
) AS a
