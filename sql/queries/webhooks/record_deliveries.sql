-- The webhook sink, inside the outbox transaction that applies a user's events: one pending
-- delivery per (event, enabled endpoint subscribed to its type), then the lanes of the endpoints
-- that got one are made ready unless they already are (a lane whose head waits for a retry
-- keeps its time). No NOTIFY here: the caller wakes the workers after the commit (webhook-sink.ts).
-- Idempotent: an event applied again (at-least-once) meets webhook_deliveries_once (unique per
-- user, event and endpoint: 0011) and adds nothing. The lane is touched after the insert, in
-- the same transaction, and its version bumped: a delivery worker finishing an attempt on it
-- meanwhile sees either this delivery or the new version (finish_attempts.sql), so the lane is
-- never left idle with a delivery pending.
-- The event's time is the outbox row's created_at (when the change was written).
-- $1 user_id uuid, $2 events jsonb: [{"eventId", "seq", "type", "messageId", "data"}]
-- Returns recorded (deliveries added).
WITH events AS (
  SELECT e."eventId" AS event_id, e.seq, e.type, e."messageId" AS message_id, e.data, o.created_at AS event_at
  FROM jsonb_to_recordset($2::jsonb) AS e("eventId" bigint, seq bigint, type text, "messageId" text, data jsonb)
  -- one primary-key probe per event (OFFSET 0 keeps it a nested loop: as a plain join, the
  -- prepared statement's generic plan, made while outbox_events was empty and not yet analyzed,
  -- hash-joined a sequential scan of the whole table in every apply until the next ANALYZE)
  CROSS JOIN LATERAL (SELECT created_at FROM outbox_events WHERE id = e."eventId" OFFSET 0) AS o
),
inserted AS (
  INSERT INTO webhook_deliveries (endpoint_id, event_id, message_id, user_id, seq, event_type, event_at, data)
  SELECT w.id, e.event_id, e.message_id, $1::uuid, e.seq, e.type, e.event_at, e.data
  FROM events e
  JOIN webhook_endpoints w ON e.type = ANY (w.event_types) AND NOT w.disabled
  ORDER BY w.id, e.seq
  ON CONFLICT ON CONSTRAINT webhook_deliveries_once DO NOTHING
  RETURNING endpoint_id
),
lanes AS (
  INSERT INTO webhook_lanes (endpoint_id, user_id, ready_at)
  SELECT DISTINCT endpoint_id, $1::uuid, now() FROM inserted
  ORDER BY endpoint_id
  ON CONFLICT (endpoint_id, user_id) DO UPDATE
    SET ready_at = coalesce(webhook_lanes.ready_at, now()), version = webhook_lanes.version + 1
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int AS recorded,
       (SELECT count(*) FROM lanes)::int AS lanes
