-- Marks one attempt of a request failed (enqueue refused, or the job's last try failed), so the
-- client's next re-send processes it again from scratch. A newer attempt is left alone.
-- Returns one row when the attempt was failed; no row = the attempt no longer holds the request.
-- $1 user_id uuid, $2 request_id uuid, $3 attempt integer, $4 reason text
UPDATE health_ingest_requests
SET status = 'failed', last_error = left($4, 500), heartbeat_at = NULL, updated_at = now()
WHERE user_id = $1::uuid AND request_id = $2::uuid AND attempts = $3
  AND status IN ('queued', 'processing')
RETURNING 1 AS failed
