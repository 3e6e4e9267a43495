-- Reaper, part 2: a page of requests still 'queued' for longer than $1 seconds (the grace covers
-- the moment between the claim and the job's add), in key order after ($2, $3), for checking
-- their jobs. Keyed by the primary key, not a timestamp (a JS Date would truncate microseconds
-- and return the page's last row again).
-- Returns up to $4 requests (user_id, request_id, attempts) in key order.
-- $1 older_than_seconds integer, $2 after_user_id uuid (null = from the start), $3 after_request_id uuid,
-- $4 limit integer
SELECT user_id, request_id, attempts
FROM health_ingest_requests
WHERE status = 'queued'
  AND updated_at < now() - make_interval(secs => $1::integer)
  AND ($2::uuid IS NULL OR (user_id, request_id) > ($2::uuid, $3::uuid))
ORDER BY user_id, request_id
LIMIT $4::integer
