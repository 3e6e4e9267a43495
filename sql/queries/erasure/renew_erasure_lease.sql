-- The runner's heartbeat: extends its lease and records the counts so far (a runner that takes
-- the erasure over goes on counting from them). No row = the lease was lost: stop.
-- $1 erasure_id uuid, $2 attempt integer, $3 lease_seconds integer, $4 deleted jsonb
UPDATE user_erasures
SET lease_until = now() + make_interval(secs => $3::integer), deleted = $4::jsonb
WHERE id = $1::uuid AND attempts = $2::integer AND status = 'running'
RETURNING 1 AS renewed
