-- Last statement of the erasure's final transaction: the erasure is completed (while this runner
-- still holds it) and its lease released; its counts were kept by the steps.
-- $1 erasure_id uuid, $2 attempt integer
UPDATE user_erasures
SET status = 'completed', finished_at = now(), lease_until = NULL
WHERE id = $1::uuid AND attempts = $2::integer AND status = 'running'
RETURNING finished_at
