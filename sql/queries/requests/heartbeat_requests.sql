-- Proves the workers holding these requests are alive (the reaper and re-sends trust it).
-- A row another transaction holds is skipped, not waited for: the holder is the request's own
-- write transaction (which is finishing it) or the reaper. Waiting deadlocked against a group
-- write, which locks the same requests one by one in its own order (bench/soak.ts at 5× load).
-- Returns nothing; a request another transaction holds misses this beat (the next one catches up).
-- $1 user_id uuid[], $2 request_id uuid[], $3 attempt integer[]
WITH free AS (
  SELECT r.ctid
  FROM unnest($1::uuid[], $2::uuid[], $3::integer[]) AS h(user_id, request_id, attempt)
  CROSS JOIN LATERAL (
    SELECT r.ctid
    FROM health_ingest_requests r
    WHERE r.user_id = h.user_id AND r.request_id = h.request_id AND r.attempts = h.attempt
      AND r.status = 'processing'
    FOR UPDATE SKIP LOCKED
  ) AS r
)
UPDATE health_ingest_requests
SET heartbeat_at = now()
WHERE ctid = ANY (ARRAY(SELECT ctid FROM free))
