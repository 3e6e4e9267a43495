-- A page of dead letters, oldest first, for operators (GET /admin/outbox/dead); served by
-- outbox_events_dead. Payloads name metrics and dates, never health values.
-- $1 after_id bigint (0 = first page), $2 limit integer
SELECT id, user_id, event_type, seq, payload, attempts, last_error, created_at, available_at
FROM outbox_events
WHERE status = 'dead' AND id > $1::bigint
ORDER BY id
LIMIT $2::integer
