-- The one round trip every upload starts with: the user's privacy settings and the state of an
-- earlier request with this id, so a replay is answered without a transaction.
-- Also whether an erasure of the user runs, and when the latest one started (the erasure fence,
-- migration 0010: an upload received by then is refused before any work; the write core checks
-- again under the user's lock).
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
       extract(epoch FROM now() - r.updated_at)::float8     AS seconds_since_update,
       e.erasing                                     AS erasing,
       e.last_erasure_at                             AS last_erasure_at
FROM (SELECT $1::uuid AS user_id) u
CROSS JOIN LATERAL (
  SELECT coalesce(bool_or(x.status = 'running'), false) AS erasing, max(x.started_at) AS last_erasure_at
  FROM user_erasures x WHERE x.user_id = u.user_id
) e
LEFT JOIN health_privacy_settings p ON p.user_id = u.user_id
LEFT JOIN health_ingest_requests r ON r.user_id = u.user_id AND r.request_id = $2::uuid
