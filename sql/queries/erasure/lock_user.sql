-- The user's write lock (ingest/_user_write_lock) on its own, first statement of an erasure's
-- start and of its final transaction: every write of the user in flight commits before it is
-- granted, and every write after it sees the erasure (the fence) or the erasure's end.
-- $1 user_id uuid
-- @include ingest/_user_write_lock
SELECT 1 AS locked FROM user_lock
