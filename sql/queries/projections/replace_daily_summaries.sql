-- Replaces the daily summaries of the recomputed cells of one user: rows in $4 are upserted
-- (unchanged ones are not rewritten), cells of $2/$3 missing from $4 have no live sample left
-- and lose their row. Runs under the user's checkpoint lock (lock_checkpoints).
-- $1 user_id uuid, $2 metric_code text[], $3 local_date date[] (parallel arrays: every
-- recomputed cell), $4 summaries jsonb: [{"metric_code", "local_date", "sample_count",
-- "value_sum", "value_min", "value_max", "value_avg", "unit", "category_seconds", "by_source"}]
WITH fresh AS (
  SELECT *
  FROM jsonb_to_recordset($4::jsonb) AS r(
    metric_code text, local_date date, sample_count integer, value_sum double precision,
    value_min double precision, value_max double precision, value_avg double precision,
    unit text, category_seconds jsonb, by_source jsonb)
),
emptied AS (
  -- the rows of the cells left without a sample, found by one primary-key probe per cell (OFFSET 0
  -- keeps the LATERAL subquery a probe: flattened into a join, a generic plan of this prepared
  -- statement could scan all the user's summaries) and deleted by row address, joined by TID
  -- (as `ctid = ANY (ARRAY(…))`, a never-analyzed table's generic plan was a sequential scan)
  DELETE FROM health_daily_summaries d
  USING (
    SELECT e.ctid
    FROM (SELECT DISTINCT metric_code, local_date FROM unnest($2::text[], $3::date[]) AS u(metric_code, local_date)) AS c
    CROSS JOIN LATERAL (
      SELECT e.ctid FROM health_daily_summaries e
      WHERE e.user_id = $1::uuid AND e.metric_code = c.metric_code AND e.local_date = c.local_date
      OFFSET 0
    ) AS e
    WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.metric_code = c.metric_code AND f.local_date = c.local_date)
  ) AS gone
  WHERE d.ctid = gone.ctid
)
INSERT INTO health_daily_summaries AS d
  (user_id, metric_code, local_date, sample_count, value_sum, value_min, value_max, value_avg,
   unit, category_seconds, by_source)
SELECT $1::uuid, f.metric_code, f.local_date, f.sample_count, f.value_sum, f.value_min, f.value_max,
       f.value_avg, f.unit, f.category_seconds, f.by_source
FROM fresh f
ON CONFLICT (user_id, metric_code, local_date) DO UPDATE
SET sample_count = excluded.sample_count, value_sum = excluded.value_sum,
    value_min = excluded.value_min, value_max = excluded.value_max, value_avg = excluded.value_avg,
    unit = excluded.unit, category_seconds = excluded.category_seconds,
    by_source = excluded.by_source, updated_at = now()
WHERE (d.sample_count, d.value_sum, d.value_min, d.value_max, d.value_avg, d.unit,
       d.category_seconds, d.by_source)
      IS DISTINCT FROM
      (excluded.sample_count, excluded.value_sum, excluded.value_min, excluded.value_max,
       excluded.value_avg, excluded.unit, excluded.category_seconds, excluded.by_source)
