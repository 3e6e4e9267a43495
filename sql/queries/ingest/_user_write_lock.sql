-- Fragment: the user's write lock, the first thing every write transaction of a user takes (the
-- inline claim, the worker's lock for write, an import's claim), so concurrent writes of one user
-- serialize instead of deadlocking; transaction-scoped, so it can never leak through the pool.
-- $1 user_id uuid
WITH user_lock AS (
  SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))
)
