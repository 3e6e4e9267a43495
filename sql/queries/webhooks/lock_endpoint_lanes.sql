-- First statement of a transaction that re-times many lanes of one endpoint (enabling it,
-- replaying): takes their row locks in key order, for the same reason as lock_lane.sql.
-- $1 endpoint_id uuid, $2 user_ids uuid[] (NULL: every lane of the endpoint)
SELECT 1 AS locked
FROM webhook_lanes
WHERE endpoint_id = $1::uuid AND ($2::uuid[] IS NULL OR user_id = ANY ($2::uuid[]))
ORDER BY user_id
FOR UPDATE
