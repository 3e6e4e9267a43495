-- Last statement of the erasure's final transaction: the erasure is completed with its counts
-- (while this runner still holds it), its lease released.
-- $1 erasure_id uuid, $2 attempt integer, $3 deleted jsonb
UPDATE user_erasures
SET status = 'completed', finished_at = now(), lease_until = NULL, deleted = $3::jsonb
WHERE id = $1::uuid AND attempts = $2::integer AND status = 'running'
RETURNING finished_at
