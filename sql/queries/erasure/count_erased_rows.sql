-- Adds to one of the erasure's counts what was erased outside the step statements (the user's
-- queued jobs removed from Redis, webhook deliveries forgotten in the final transaction).
-- $1 erasure_id uuid, $2 key text, $3 rows integer
UPDATE user_erasures
SET deleted = jsonb_set(deleted, ARRAY[$2::text], to_jsonb(coalesce((deleted ->> $2::text)::bigint, 0) + $3::integer))
WHERE id = $1::uuid
