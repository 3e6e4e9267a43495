-- The runner's heartbeat: extends its lease. No row = the lease was lost: stop.
-- $1 erasure_id uuid, $2 attempt integer, $3 lease_seconds integer
UPDATE user_erasures
SET lease_until = now() + make_interval(secs => $3::integer)
WHERE id = $1::uuid AND attempts = $2::integer AND status = 'running'
RETURNING 1 AS renewed
