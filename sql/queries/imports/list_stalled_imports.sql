-- Imports that should be running but no live worker holds: queued or running with no lease or
-- an expired one, untouched for $1 seconds (their job was lost with Redis, or is stuck behind a
-- dead worker). The sweep enqueues a job for each; a duplicate job is harmless (the lease).
-- $1 idle_seconds integer, $2 limit integer
SELECT id, slices FROM imports
WHERE status IN ('queued', 'running')
  AND (lease_owner IS NULL OR lease_expires_at < now())
  AND updated_at < now() - make_interval(secs => $1::integer)
ORDER BY created_at
LIMIT $2::integer
