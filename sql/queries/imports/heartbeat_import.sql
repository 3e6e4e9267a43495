-- Extends a live lease (a worker between group commits). Returns a row while the owner holds it.
-- $1 id uuid, $2 owner text, $3 lease_ms integer
UPDATE imports
SET lease_expires_at = now() + make_interval(secs => $3::integer / 1000.0), heartbeat_at = now()
WHERE id = $1::uuid AND lease_owner = $2 AND status = 'running'
RETURNING 1 AS held
