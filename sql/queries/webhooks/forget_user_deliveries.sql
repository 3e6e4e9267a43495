-- For the erasure (CONTRACT §10): every webhook delivery of the user, delivered or not, with its
-- attempts (cascade), and the user's lanes. Their data names the user's metrics and local dates,
-- and undelivered ones would reach endpoints after the health.user.erased event and out of order
-- (the user's seqs start again). Run in the erasure's transaction, before it writes that event.
-- $1 user_id uuid
-- Returns deleted (deliveries).
WITH deliveries AS (
  DELETE FROM webhook_deliveries WHERE user_id = $1::uuid RETURNING 1
),
lanes AS (
  -- by primary key, a probe per endpoint (see erase_webhook_lanes.sql)
  DELETE FROM webhook_lanes WHERE endpoint_id = ANY (ARRAY(SELECT id FROM webhook_endpoints)) AND user_id = $1::uuid RETURNING 1
)
SELECT (SELECT count(*) FROM deliveries)::int AS deleted, (SELECT count(*) FROM lanes)::int AS lanes
