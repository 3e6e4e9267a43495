-- The user's write lock (ingest/_user_write_lock), then the user's erasure gate exclusively (the key
-- ingest/_user_erasure_gate_shared takes shared): first statement of an erasure's start and of its
-- final transaction. Every write of the user in flight, every queued claim and privacy change in
-- flight, commits before it is granted; every one after it sees the erasure (the fence) or its end.
-- Nothing takes the gate and then the write lock, so the two cannot deadlock.
-- $1 user_id uuid
-- @include ingest/_user_write_lock
SELECT 1 AS locked
FROM user_lock, LATERAL (SELECT pg_advisory_xact_lock(hashtextextended($1::text, 1))) AS erasure_gate
