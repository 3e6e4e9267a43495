-- A runner that failed (an error, not a crash) gives its lease up at once, so the job's retry can
-- take the erasure over without waiting for the lease to run out.
-- $1 erasure_id uuid, $2 attempt integer
UPDATE user_erasures
SET lease_until = NULL
WHERE id = $1::uuid AND attempts = $2::integer AND status = 'running'
