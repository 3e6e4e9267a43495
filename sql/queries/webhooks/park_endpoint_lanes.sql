-- A disabled endpoint's lanes stop being ready, so claims do not walk them (its deliveries stay
-- pending until it is enabled again: wake_endpoint_lanes.sql). Leases in flight are kept.
-- $1 endpoint_id uuid
UPDATE webhook_lanes SET ready_at = NULL WHERE endpoint_id = $1::uuid AND ready_at IS NOT NULL
