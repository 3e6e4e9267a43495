-- Drops an upload that was refused or cut off while receiving (its chunks go by cascade).
-- $1 id uuid
DELETE FROM imports WHERE id = $1::uuid AND status = 'receiving'
