-- The user's erasure gate, shared (ingest/_user_erasure_gate_shared), first statement of a privacy
-- settings change: the change waits for an erasure's start or final transaction in flight (never
-- for the user's sample writes), and the fence check behind it (ingest/check_erasure_fence) sees
-- that erasure (CONTRACT §10).
-- $1 user_id uuid
-- @include ingest/_user_erasure_gate_shared
SELECT 1 AS locked FROM erasure_gate
