-- GET /admin/webhooks/{id}/deliveries: a page of the endpoint's deliveries, newest first
-- (keyset on id, below $3), optionally of one status, each with its last attempts (at most $5,
-- newest first). Served by webhook_deliveries_of_endpoint and webhook_attempts_of_delivery.
-- $1 endpoint_id uuid, $2 status text (NULL: any), $3 before_id bigint (NULL: from the newest),
-- $4 limit integer, $5 attempts_per_delivery integer
-- Returns delivery rows with `attempt_log` jsonb: [{"attemptedAt", "durationMs", "statusCode", "error"}].
SELECT d.id, d.event_id, d.message_id, d.user_id, d.seq, d.event_type, d.event_at, d.status, d.attempts,
       d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at, d.created_at,
       coalesce((
         SELECT jsonb_agg(jsonb_build_object('attemptedAt', a.attempted_at, 'durationMs', a.duration_ms,
                                             'statusCode', a.status_code, 'error', a.error) ORDER BY a.id DESC)
         FROM (SELECT * FROM webhook_attempts WHERE delivery_id = d.id ORDER BY id DESC LIMIT $5::integer) AS a
       ), '[]'::jsonb) AS attempt_log
FROM webhook_deliveries d
WHERE d.endpoint_id = $1::uuid
  AND ($2::text IS NULL OR d.status = $2::text)
  AND ($3::bigint IS NULL OR d.id < $3::bigint)
ORDER BY d.id DESC
LIMIT $4::integer
