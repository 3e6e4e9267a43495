-- First statement of a cancel: the user's write lock, then the import row if it can still be
-- cancelled (queued or running; a slice in flight finds it cancelled at its next group).
-- $1 user_id uuid, $2 id uuid
-- @include ingest/_user_write_lock
SELECT 1 AS locked
FROM imports i, user_lock
WHERE i.user_id = $1::uuid AND i.id = $2::uuid AND i.status IN ('queued', 'running')
FOR UPDATE OF i
