-- A worker picks up a job: the request becomes 'processing' with a fresh heartbeat, unless the
-- attempt was taken over or finished meanwhile (then the job has nothing to do).
-- Returns one row when the request is now 'processing' for this attempt; no row = nothing to do.
-- $1 user_id uuid, $2 request_id uuid, $3 attempt integer
UPDATE health_ingest_requests
SET status = 'processing', heartbeat_at = now(), updated_at = now()
WHERE user_id = $1::uuid AND request_id = $2::uuid AND attempts = $3
  AND status IN ('queued', 'processing')
RETURNING 1 AS started
