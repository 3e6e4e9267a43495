-- First statement of a write transaction of an import (a group of its samples, or its end): the
-- user's write lock (the same lock order as every write), then the import row, which must still
-- be 'running' under this owner's lease. No row: the slice lost the import (cancelled, taken
-- over after its lease expired) and must not write.
-- $1 user_id uuid, $2 id uuid, $3 owner text
-- @include ingest/_user_write_lock
SELECT 1 AS locked
FROM imports i, user_lock
WHERE i.user_id = $1::uuid AND i.id = $2::uuid AND i.lease_owner = $3 AND i.status = 'running'
FOR UPDATE OF i
