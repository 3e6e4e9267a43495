-- Fragment: the user's erasure gate, shared. Statements that must not slip past an erasure without
-- writing samples (the queued claim, a privacy settings change) take it instead of the user's write
-- lock: shared holders never wait for each other nor for the user's writes in flight (a worker's
-- long group write), only for an erasure's start or final transaction, which take it exclusively
-- (erasure/lock_user). A different key than ingest/_user_write_lock (second seed).
-- $1 user_id uuid
WITH erasure_gate AS (
  SELECT pg_advisory_xact_lock_shared(hashtextextended($1::text, 1))
)
