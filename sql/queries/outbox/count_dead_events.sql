-- How many dead letters wait for a replay (the console's outbox panel, GET /admin/outbox, and the
-- dead-letter gauge on scrape); counted on the partial index outbox_events_dead.
-- Returns one row: dead integer.
SELECT count(*)::integer AS dead
FROM outbox_events
WHERE status = 'dead'
