-- One of the user's imports (another user's behaves as absent; an upload still receiving too).
-- $1 user_id uuid, $2 id uuid
SELECT
-- @include imports/_import_row
FROM imports i
WHERE i.user_id = $1::uuid AND i.id = $2::uuid AND i.status <> 'receiving'
