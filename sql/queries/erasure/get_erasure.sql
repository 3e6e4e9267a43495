-- One erasure of one user (another user's id is no row: it behaves as absent).
-- $1 user_id uuid, $2 erasure_id uuid
SELECT id, user_id, status, requested_by, started_at, finished_at, deleted
FROM user_erasures
WHERE id = $2::uuid AND user_id = $1::uuid
