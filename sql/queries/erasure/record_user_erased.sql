-- In the erasure's final transaction (under the user's lock, after every step): bumps the user's
-- watermark and appends the one health.user.erased event with that seq (ingest/_record_change),
-- and wakes the outbox. The watermark row is deleted right after (erasure/complete_erasure): the
-- user's seqs start again at 1.
-- $1 user_id uuid, $2 erasure_id uuid, $3 changed boolean (true), $4 event_type text, $5 event_payload jsonb
WITH
-- @include ingest/_record_change
SELECT (SELECT seq FROM bumped) AS seq, (SELECT id FROM event) AS event_id, $2::uuid AS erasure_id,
       (SELECT count(pg_notify('health_outbox', '')) FROM event) AS notified
