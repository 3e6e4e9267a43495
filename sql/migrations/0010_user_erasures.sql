-- 0010_user_erasures: erasure of a user's own data (CONTRACT §10).
-- Forward-only: never edit this file once landed; add a later number instead.

-- One row per erasure, kept after it: the audit record (who asked: 'user' or 'admin:' and the
-- first 16 hex digits of the SHA-256 of the admin key; when; row counts per table) and the fence.
-- No health value is ever written here.
-- Fence: a write received at or before started_at never lands (the write core checks it under the
-- user's lock, ingest/check_erasure_fence), nor does any write while the erasure runs; so once an
-- erasure has completed, nothing received before it can appear afterwards, on any path.
-- Lease: the runner holding the erasure renews lease_until; a runner that dies leaves it to run
-- out, and the resume sweep (jobs/erasure-resume) takes the erasure over where it stopped (every
-- step deletes what is left, so repeating one is harmless).
CREATE TABLE user_erasures (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed')),
  requested_by text NOT NULL CHECK (requested_by = 'user' OR requested_by ~ '^admin:[0-9a-f]{16}$'),
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  lease_until  timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  -- rows deleted so far, per table: {"health_samples": 1200, …}
  deleted      jsonb NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT user_erasures_finished CHECK ((status = 'completed') = (finished_at IS NOT NULL))
);
-- one running erasure per user: a second request while it runs is the same erasure
CREATE UNIQUE INDEX user_erasures_one_running ON user_erasures (user_id) WHERE status = 'running';
-- the fence probe of every write, and a user's erasure history
CREATE INDEX user_erasures_of_user ON user_erasures (user_id, started_at);
-- the resume sweep
CREATE INDEX user_erasures_running ON user_erasures (lease_until) WHERE status = 'running';

-- an erasure deletes the user's outbox events in chunks, in id order (the existing indexes are by status)
CREATE INDEX outbox_events_of_user ON outbox_events (user_id, id);
-- and its webhook lanes (their key starts with the endpoint)
CREATE INDEX webhook_lanes_of_user ON webhook_lanes (user_id);
