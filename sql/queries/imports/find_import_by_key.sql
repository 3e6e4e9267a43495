-- The finished upload that holds an idempotency key, if any.
-- $1 user_id uuid, $2 idempotency_key uuid
SELECT
-- @include imports/_import_row
FROM imports i
WHERE i.user_id = $1::uuid AND i.idempotency_key = $2::uuid
