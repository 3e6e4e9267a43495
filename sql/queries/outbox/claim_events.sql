-- Claims up to $1 due pending events for one processor. FOR UPDATE SKIP LOCKED: processors
-- running at once take disjoint events and never wait on each other. The claim is a lease:
-- available_at moves $2 ms ahead, so an event whose processor crashed (or stalled past the
-- lease) becomes due again and is applied again (at-least-once; projections are idempotent).
-- attempts counts claims, so a crash also uses up an attempt. Served by outbox_events_pending.
-- $1 limit integer, $2 lease_ms integer
WITH due AS (
  SELECT id
  FROM outbox_events
  WHERE status = 'pending' AND available_at <= now()
  ORDER BY available_at, id
  LIMIT $1::integer
  FOR UPDATE SKIP LOCKED
)
UPDATE outbox_events e
SET attempts = e.attempts + 1,
    available_at = now() + make_interval(secs => $2::integer / 1000.0)
FROM due
WHERE e.id = due.id
RETURNING e.id, e.user_id, e.event_type, e.seq, e.payload, e.attempts
