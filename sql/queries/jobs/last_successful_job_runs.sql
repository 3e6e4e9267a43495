-- When each named job last succeeded, on any replica (the "has not run" gauge on scrape), one
-- probe of job_runs_last_run per job. A job that never succeeded has no row.
-- $1 names text[]
-- Returns: name text, finished_at timestamptz.
SELECT r.name, r.finished_at
FROM unnest($1::text[]) AS j(name)
CROSS JOIN LATERAL (
  SELECT name, finished_at
  FROM job_runs
  WHERE job_runs.name = j.name AND status = 'succeeded'
  ORDER BY started_at DESC
  LIMIT 1
) AS r
