-- Claims a request for inline processing, inside the write transaction.
-- Lock order: the user's advisory lock first (every write transaction of a user takes it first,
-- so concurrent batches of one user serialize instead of deadlocking), then the request row.
-- A new request inserts a 'processing' row that only becomes visible, as 'completed', at commit;
-- a failed request or one whose worker stopped heart-beating is taken over (same hash only).
-- Returns no row when the request exists in another state: the caller re-reads and answers.
-- $1 user_id uuid, $2 request_id uuid, $3 payload_hash text, $4 item_count integer,
-- $5 received_at timestamptz, $6 stale_after_seconds integer, $7 body_digest text (null = unknown)
-- @include ingest/_user_write_lock
INSERT INTO health_ingest_requests AS r
  (user_id, request_id, payload_hash, body_digest, status, route, item_count, received_at, heartbeat_at)
SELECT $1::uuid, $2::uuid, $3, $7::text, 'processing', 'inline', $4, $5, now()
FROM user_lock
ON CONFLICT (user_id, request_id) DO UPDATE
SET status = 'processing', route = 'inline', item_count = excluded.item_count, body_digest = excluded.body_digest,
    received_at = excluded.received_at, attempts = r.attempts + 1, heartbeat_at = now(),
    response_status = NULL, response_body = NULL, last_error = NULL, completed_at = NULL,
    updated_at = now()
-- @include requests/_take_over_rule
RETURNING r.attempts
