-- Every user's imports in the given states, newest first (the operations console).
-- $1 statuses text[], $2 limit integer
SELECT
-- @include imports/_import_row
FROM imports i
WHERE i.status = ANY ($1::text[]) AND i.status <> 'receiving'
ORDER BY i.created_at DESC, i.id DESC
LIMIT $2::integer
