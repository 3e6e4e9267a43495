-- Inside the lock: did a run of this job that held the lock start within the last $2 seconds?
-- A scheduled tick that finds one is skipped: replicas whose clocks differ by a little would
-- otherwise each take the (by then released) lock and run the same tick twice.
-- $1 name text, $2 within_seconds float8
SELECT EXISTS (
  SELECT 1 FROM job_runs
  WHERE name = $1 AND status <> 'skipped' AND started_at > now() - make_interval(secs => $2::float8)
) AS recent
