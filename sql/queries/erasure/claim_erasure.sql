-- A runner takes a running erasure whose lease is free (never taken, or run out: its runner
-- died) for $2 seconds; attempts counts takings, so a runner that lost the lease can tell.
-- Returns the erasure when this runner holds it now; no row = someone else does, or it is done.
-- $1 erasure_id uuid, $2 lease_seconds integer
UPDATE user_erasures
SET lease_until = now() + make_interval(secs => $2::integer), attempts = attempts + 1
WHERE id = $1::uuid AND status = 'running' AND (lease_until IS NULL OR lease_until < now())
RETURNING id, user_id, attempts, started_at, deleted
