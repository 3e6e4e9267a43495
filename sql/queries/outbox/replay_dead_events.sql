-- Puts dead letters back to pending with fresh attempts, due now, and wakes the processors
-- (NOTIFY health_outbox, delivered at commit, only when something was replayed).
-- $1 ids bigint[] (null = every dead letter)
WITH replayed AS (
  UPDATE outbox_events
  SET status = 'pending', attempts = 0, available_at = now()
  WHERE status = 'dead' AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
  RETURNING id
)
SELECT (SELECT count(*) FROM replayed)::integer AS replayed,
       (SELECT count(pg_notify('health_outbox', '')) FROM (SELECT 1 FROM replayed LIMIT 1) AS one) AS notified
