-- The latest run of each named job that held its lock (skipped ticks are not "the last run"),
-- one index probe per job (job_runs_last_run).
-- $1 names text[]
SELECT r.name, r.status, r.started_at, r.finished_at, r.affected_rows, r.error
FROM unnest($1::text[]) AS j(name)
CROSS JOIN LATERAL (
  SELECT name, status, started_at, finished_at, affected_rows, error
  FROM job_runs
  WHERE job_runs.name = j.name AND status <> 'skipped'
  ORDER BY started_at DESC
  LIMIT 1
) AS r
