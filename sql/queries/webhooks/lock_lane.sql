-- First statement of a transaction that releases a lane without an attempt (its head was finished
-- by another worker between the claim's snapshot and its lock): takes the lane's row lock, so the
-- next statement (a new snapshot, READ COMMITTED) sees every delivery a sink committed before,
-- and a sink committing after waits for this transaction and then finds the lane as it left it.
-- $1 endpoint_id uuid, $2 user_id uuid
SELECT 1 AS locked FROM webhook_lanes WHERE endpoint_id = $1::uuid AND user_id = $2::uuid FOR UPDATE
