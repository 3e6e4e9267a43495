-- First statement of a worker's write transaction for one request: the user's advisory lock
-- (same lock order as the inline path), then the request row, which must still be this
-- attempt's and 'processing'; no row means the attempt lost the request and must not write.
-- Returns one row when the attempt still holds the request; no row = it lost it and must not write.
-- $1 user_id uuid, $2 request_id uuid, $3 attempt integer
-- @include ingest/_user_write_lock
SELECT 1 AS locked
FROM health_ingest_requests r, user_lock
WHERE r.user_id = $1::uuid AND r.request_id = $2::uuid AND r.attempts = $3
  AND r.status = 'processing'
FOR UPDATE OF r
