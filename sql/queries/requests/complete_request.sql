-- Ends a write transaction: when something changed, bumps the user's watermark to the seq the
-- samples were written with and appends one outbox event; always stores the response that
-- replays will return. Data-modifying CTEs always run, referenced or not.
-- The writer wakes the outbox processors after the commit (src/outbox/wake-up.ts: a NOTIFY in
-- this transaction would serialize commits). Returns one row: watermark_seq (null when nothing
-- changed), event_id; no row = the
-- request row is gone (the caller throws and the transaction rolls back).
-- $1 user_id uuid, $2 request_id uuid, $3 changed boolean, $4 event_type text,
-- $5 event_payload jsonb, $6 response_status integer, $7 response_body text (exact JSON bytes to replay)
WITH
-- @include ingest/_record_change
-- @include requests/_store_reply
RETURNING (SELECT seq FROM bumped) AS watermark_seq, (SELECT id FROM event) AS event_id
