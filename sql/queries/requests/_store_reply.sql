-- Fragment: the main statement of a request's completion (complete_request,
-- complete_sequence_part): the request row becomes 'completed' with the reply replays return.
-- The includer adds its RETURNING. No row updated = the request row is gone.
-- $1 user_id uuid, $2 request_id uuid, $6 response_status integer, $7 response_body text (exact JSON bytes to replay)
UPDATE health_ingest_requests r
SET status = 'completed', response_status = $6, response_body = $7::text::json,
    heartbeat_at = NULL, completed_at = now(), updated_at = now()
WHERE r.user_id = $1::uuid AND r.request_id = $2::uuid
