-- Proves the workers holding these requests are alive (the reaper and re-sends trust it).
-- $1 user_id uuid[], $2 request_id uuid[], $3 attempt integer[]
UPDATE health_ingest_requests r
SET heartbeat_at = now()
FROM unnest($1::uuid[], $2::uuid[], $3::integer[]) AS h(user_id, request_id, attempt)
WHERE r.user_id = h.user_id AND r.request_id = h.request_id AND r.attempts = h.attempt
  AND r.status = 'processing'
