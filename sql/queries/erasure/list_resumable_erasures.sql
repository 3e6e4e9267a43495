-- The resume sweep: running erasures nobody holds (lease run out, or never taken while older than
-- $1 seconds: its queue job was lost), oldest first. Served by user_erasures_running.
-- $1 unclaimed_after_seconds integer, $2 limit integer
SELECT id
FROM user_erasures
WHERE status = 'running'
  AND (lease_until < now() OR (lease_until IS NULL AND started_at < now() - make_interval(secs => $1::integer)))
ORDER BY started_at
LIMIT $2::integer
