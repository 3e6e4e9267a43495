-- The user's imports, newest first.
-- $1 user_id uuid, $2 limit integer
SELECT
-- @include imports/_import_row
FROM imports i
WHERE i.user_id = $1::uuid AND i.status <> 'receiving'
ORDER BY i.created_at DESC, i.id DESC
LIMIT $2::integer
