-- In the erasure's final transaction (under the user's lock, after every step, the watermark's
-- last): starts the user's new series — watermark seq 1 — with the one health.user.erased event
-- (ingest/_record_change), and wakes the outbox. Seq 1, so the projections record it like any
-- first event and the webhook lanes (ordered by seq) deliver it before anything that follows.
-- $1 user_id uuid, $2 erasure_id uuid, $3 changed boolean (true), $4 event_type text, $5 event_payload jsonb
WITH
-- @include ingest/_record_change
SELECT (SELECT seq FROM bumped) AS seq, (SELECT id FROM event) AS event_id, $2::uuid AS erasure_id,
       (SELECT count(pg_notify('health_outbox', '')) FROM event) AS notified
