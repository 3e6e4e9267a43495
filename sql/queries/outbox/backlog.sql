-- Metrics, on scrape: the outbox backlog (pending events) and its lag (age of the oldest pending
-- event, 0 when none), from the partial index outbox_events_pending.
SELECT count(*)::integer AS pending,
       coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_seconds
FROM outbox_events
WHERE status = 'pending'
