-- Ends a slice without finishing the import: the lease is given up so the follow-up job (any
-- worker) takes it at once. Returns a row when the owner still held it.
-- $1 id uuid, $2 owner text
UPDATE imports
SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
WHERE id = $1::uuid AND lease_owner = $2 AND status = 'running'
RETURNING 1 AS released
