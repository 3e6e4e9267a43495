-- Reaper, part 2: queued requests whose BullMQ job no longer exists become 'failed'. Only the
-- attempt that was checked, and only while still 'queued' (a worker that picked it up meanwhile
-- has made it 'processing'; a finished one is 'completed').
-- Returns the requests failed (user_id, request_id); a request picked up meanwhile is not among them.
-- $1 user_id uuid[], $2 request_id uuid[], $3 attempt integer[]
UPDATE health_ingest_requests r
SET status = 'failed', last_error = 'reaped: queue job missing', heartbeat_at = NULL, updated_at = now()
FROM unnest($1::uuid[], $2::uuid[], $3::integer[]) AS o(user_id, request_id, attempt)
WHERE r.user_id = o.user_id AND r.request_id = o.request_id AND r.attempts = o.attempt
  AND r.status = 'queued'
RETURNING r.user_id, r.request_id
