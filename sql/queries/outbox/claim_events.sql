-- Claims due pending events for one processor: up to $1 of the oldest, then, for each user among
-- them, that user's later due events too (up to $3 per user), so a user whose events piled up
-- (a backfill the processor fell behind on) has them applied together: one recompute of each
-- (metric, date) cell instead of one per event (bench/outbox-cost.ts). FOR UPDATE SKIP LOCKED:
-- processors running at once take disjoint events and never wait on each other. The claim is a
-- lease: available_at moves $2 ms ahead, so an event whose processor crashed (or stalled past the
-- lease) becomes due again and is applied again (at-least-once; projections are idempotent).
-- attempts counts claims, so a crash also uses up an attempt. The oldest are found through
-- outbox_events_pending, a user's later ones through outbox_events_of_user from the user's
-- oldest claimed id on (one range probe per user, not the user's processed history).
-- $1 limit integer, $2 lease_ms integer, $3 per_user_limit integer
WITH oldest AS (
  SELECT id, user_id
  FROM outbox_events
  WHERE status = 'pending' AND available_at <= now()
  ORDER BY available_at, id
  LIMIT $1::integer
  FOR UPDATE SKIP LOCKED
),
later AS (
  SELECT l.id
  FROM (SELECT user_id, min(id) AS from_id FROM oldest GROUP BY user_id) AS u
  CROSS JOIN LATERAL (
    SELECT e.id
    FROM outbox_events e
    WHERE e.user_id = u.user_id AND e.id > u.from_id AND e.status = 'pending' AND e.available_at <= now()
    ORDER BY e.id
    LIMIT $3::integer
    FOR UPDATE SKIP LOCKED
  ) AS l
),
due AS (
  SELECT id FROM oldest UNION SELECT id FROM later
),
claimed AS (
  UPDATE outbox_events e
  SET attempts = e.attempts + 1,
      available_at = now() + make_interval(secs => $2::integer / 1000.0)
  FROM due
  WHERE e.id = due.id
  RETURNING e.id, e.user_id, e.event_type, e.seq, e.payload, e.attempts
)
-- in commit order (a user's ids grow with their seq): the UNION and the UPDATE return rows in no
-- set order, and the sinks apply each user's events in the order given (a full run once saw 2, 1)
SELECT * FROM claimed ORDER BY id
