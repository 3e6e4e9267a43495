-- 0003_job_runs: one row per tick of a built-in job (reaper, soft-delete purger, retention),
-- whether it ran (succeeded / failed) or found another replica holding the job's lock (skipped).
-- Forward-only: never edit this file once landed.
CREATE TABLE job_runs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text NOT NULL,
  status         text NOT NULL,
  -- 'schedule' (a cron tick) or 'manual' (POST /admin/jobs/{name}/run, `cli jobs run`)
  trigger        text NOT NULL,
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz NOT NULL,
  affected_rows  bigint NOT NULL DEFAULT 0 CHECK (affected_rows >= 0),
  error          text,
  -- job-specific counters (e.g. the reaper's stale vs orphaned requests, the purger's chunks)
  details        jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- which process ran it (hostname:pid), to tell replicas apart
  runner         text NOT NULL,
  CONSTRAINT job_runs_status CHECK (status IN ('succeeded', 'failed', 'skipped')),
  CONSTRAINT job_runs_trigger CHECK (trigger IN ('schedule', 'manual')),
  CONSTRAINT job_runs_finished_after_start CHECK (finished_at >= started_at)
);
-- "last run per job" (GET /admin/jobs, the once-per-tick check): the latest run that held the lock
CREATE INDEX job_runs_last_run ON job_runs (name, started_at DESC) WHERE status <> 'skipped';
-- retention of old run records
CREATE INDEX job_runs_started_at ON job_runs (started_at);
