-- Records one tick of a job. Run in the guard transaction for ticks that held the lock (so the
-- record commits with the lock's release), on the pool for skipped ticks.
-- $1 name text, $2 status text (succeeded|failed|skipped), $3 trigger text (schedule|manual),
-- $4 started_at timestamptz, $5 affected_rows bigint, $6 error text (null), $7 details jsonb,
-- $8 runner text
INSERT INTO job_runs (name, status, trigger, started_at, finished_at, affected_rows, error, details, runner)
VALUES ($1, $2, $3, $4::timestamptz, greatest(clock_timestamp(), $4::timestamptz), $5::bigint, left($6::text, 2000),
        $7::jsonb, $8)
RETURNING finished_at
