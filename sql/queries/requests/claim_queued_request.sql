-- Claims a request for the queue path before its job is added: a new request becomes 'queued';
-- a failed one, or one whose worker stopped heart-beating, is taken over (same hash only) with
-- attempts + 1, so a job of an earlier attempt can tell it lost the request.
-- Under the user's erasure gate (shared: it never waits for the user's writes in flight, only for an
-- erasure's start or final transaction), and refused (no row) when the erasure fence holds
-- (migration 0010: an erasure of the user runs, or started at or after $5), so no request row of an
-- upload received before an erasure appears after it. (The fence is read in this statement's
-- snapshot, taken before the gate was granted; an erasure that started meanwhile removes the row in
-- its final transaction, which takes the gate exclusively and so waits for this claim's commit.)
-- Returns no row when the request exists in another state: the caller re-reads and answers.
-- $1 user_id uuid, $2 request_id uuid, $3 payload_hash text, $4 item_count integer,
-- $5 received_at timestamptz, $6 stale_after_seconds integer, $7 body_digest text (null = unknown)
-- @include ingest/_user_erasure_gate_shared
INSERT INTO health_ingest_requests AS r
  (user_id, request_id, payload_hash, body_digest, status, route, item_count, received_at)
SELECT $1::uuid, $2::uuid, $3, $7::text, 'queued', 'queued', $4, $5
FROM erasure_gate
WHERE NOT EXISTS (SELECT 1 FROM user_erasures e
                  WHERE e.user_id = $1::uuid AND (e.status = 'running' OR e.started_at >= $5::timestamptz))
ON CONFLICT (user_id, request_id) DO UPDATE
SET status = 'queued', route = 'queued', item_count = excluded.item_count, body_digest = excluded.body_digest,
    received_at = excluded.received_at, attempts = r.attempts + 1, heartbeat_at = NULL,
    response_status = NULL, response_body = NULL, last_error = NULL, completed_at = NULL,
    updated_at = now()
-- @include requests/_take_over_rule
RETURNING r.attempts
