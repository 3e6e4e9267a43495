-- A worker's claim of an import for one slice: queued or running, and nobody else's live lease.
-- A duplicate job, or one whose holder is alive, gets no row; an expired lease (a killed worker)
-- is taken over. Returns the row (with lease_expires_at) or nothing; see lease_holder for why not.
-- $1 id uuid, $2 owner text, $3 lease_ms integer
UPDATE imports i
SET status = 'running', lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3::integer / 1000.0),
    heartbeat_at = now(), started_at = coalesce(i.started_at, now()), slices = i.slices + 1, updated_at = now()
WHERE i.id = $1::uuid AND i.status IN ('queued', 'running')
  AND (i.lease_owner IS NULL OR i.lease_owner = $2 OR i.lease_expires_at < now())
RETURNING
-- @include imports/_import_row
