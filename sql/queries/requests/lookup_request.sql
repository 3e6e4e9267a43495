-- The one round trip every upload starts with: the user's privacy settings and the state of an
-- earlier request with this id, so a replay is answered without a transaction.
-- Returns exactly one row; the request's columns are null when there is no such request.
-- $1 user_id uuid, $2 request_id uuid, $3 stale_after_seconds integer
SELECT coalesce(p.sync_enabled, true)                AS sync_enabled,
       coalesce(p.blocked_metrics, '{}'::text[])     AS blocked_metrics,
       r.status,
       r.payload_hash,
       r.body_digest,
       r.response_status,
       r.response_body::text                         AS response_body,
       r.attempts,
       (r.status = 'processing'
        AND r.heartbeat_at < now() - make_interval(secs => $3::integer)) AS lease_expired,
       extract(epoch FROM now() - r.updated_at)::float8     AS seconds_since_update
FROM (SELECT $1::uuid AS user_id) u
LEFT JOIN health_privacy_settings p ON p.user_id = u.user_id
LEFT JOIN health_ingest_requests r ON r.user_id = u.user_id AND r.request_id = $2::uuid
