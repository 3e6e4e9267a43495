-- Reaper, part 1: requests whose worker stopped heart-beating more than $1 seconds ago become
-- 'failed', so the client's re-send processes them again (CONTRACT §4.4). At most $2 per call;
-- rows another transaction holds are skipped (a worker finishing right now wins).
-- Returns the requests failed (user_id, request_id).
-- $1 stale_after_seconds integer, $2 limit integer
WITH stale AS (
  SELECT user_id, request_id
  FROM health_ingest_requests
  WHERE status = 'processing'
    AND coalesce(heartbeat_at, updated_at) < now() - make_interval(secs => $1::integer)
  ORDER BY updated_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
)
UPDATE health_ingest_requests r
SET status = 'failed', last_error = 'reaped: no worker heartbeat', heartbeat_at = NULL, updated_at = now()
FROM stale
WHERE r.user_id = stale.user_id AND r.request_id = stale.request_id
RETURNING r.user_id, r.request_id
