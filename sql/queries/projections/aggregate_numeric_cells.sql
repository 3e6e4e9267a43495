-- Per-source aggregates of a user's live numeric samples in the given (metric, local date)
-- cells; a sample belongs to the local date of its start. Served by health_samples_by_local_date.
-- $1 user_id uuid, $2 metric_code text[], $3 local_date date[] (parallel arrays: the cells)
SELECT s.metric_code, s.local_date::text AS local_date, s.source_id,
       count(*)::integer AS sample_count, sum(s.value) AS value_sum,
       min(s.value) AS value_min, max(s.value) AS value_max
FROM unnest($2::text[], $3::date[]) AS c(metric_code, local_date)
JOIN health_samples s
  ON s.user_id = $1::uuid AND s.metric_code = c.metric_code AND s.local_date = c.local_date
WHERE s.deleted_at IS NULL AND s.value_kind <> 'CATEGORY'
GROUP BY s.metric_code, s.local_date, s.source_id
