-- The user's write lock (ingest/_user_write_lock), first statement of a privacy settings change:
-- the change then waits for an erasure's start or final transaction in flight, and the fence
-- check behind it (ingest/check_erasure_fence) sees that erasure (CONTRACT §10).
-- $1 user_id uuid
-- @include ingest/_user_write_lock
SELECT 1 AS locked FROM user_lock
