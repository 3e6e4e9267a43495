-- DELETE /admin/webhooks/{id}: the endpoint with its deliveries, attempts and lanes (cascade).
-- A delivery in flight finishes against nothing (its attempt is not recorded).
-- $1 id uuid
-- Returns the deleted id; no row when there was none.
DELETE FROM webhook_endpoints WHERE id = $1::uuid RETURNING id
