-- A user's daily summaries of the given metrics over a local-date range (both ends inclusive),
-- by metric then date; served by the primary key (one range per metric).
-- $1 user_id uuid, $2 metric_code text[], $3 from date, $4 to date
SELECT metric_code, local_date::text AS local_date, sample_count, value_sum, value_min, value_max,
       value_avg, unit, category_seconds, by_source
FROM health_daily_summaries
WHERE user_id = $1::uuid AND metric_code = ANY($2::text[])
  AND local_date BETWEEN $3::date AND $4::date
ORDER BY metric_code, local_date
