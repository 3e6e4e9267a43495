-- One ingest request of a user, for GET /api/v1/health/ingest-requests/{requestId}.
-- Returns the request's state and stored reply; no row = no such request of this user.
-- $1 user_id uuid, $2 request_id uuid
SELECT status, created_at, updated_at, response_status, response_body::text AS response_body
FROM health_ingest_requests
WHERE user_id = $1::uuid AND request_id = $2::uuid
