-- Ends one part of a user's sequence (src/ingest/write-group.ts writeSequence), whose watermark
-- bump already ran right behind its rows (ingest/bump_watermark_if_changed): when it changed
-- something, appends its outbox event with that seq; always stores the response that replays
-- will return. Returns one row (event_id, null when nothing changed); no row = the request row is
-- gone (the caller throws and the transaction rolls back).
-- $1 user_id uuid, $2 request_id uuid, $3 seq bigint (null = nothing changed), $4 event_type text,
-- $5 event_payload jsonb, $6 response_status integer, $7 response_body text (exact JSON bytes to replay)
WITH event AS (
  INSERT INTO outbox_events (user_id, event_type, seq, payload)
  SELECT $1::uuid, $4, $3::bigint, $5::jsonb WHERE $3::bigint IS NOT NULL
  RETURNING id
)
-- @include requests/_store_reply
RETURNING (SELECT id FROM event) AS event_id
