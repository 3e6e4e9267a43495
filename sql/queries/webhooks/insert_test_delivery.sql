-- POST /admin/webhooks/{id}/test: a webhook.test message to this endpoint alone, in the nil
-- user's lane (no outbox event, no order with other messages), due now; NOTIFY at commit.
-- Only the endpoint's row is needed: disabled endpoints get it too (it is queued, and goes out
-- once the endpoint is enabled).
-- $1 endpoint_id uuid, $2 message_id text, $3 data jsonb
-- Returns the delivery id; no row when the endpoint does not exist.
WITH inserted AS (
  INSERT INTO webhook_deliveries (endpoint_id, event_id, message_id, user_id, seq, event_type, event_at, data)
  SELECT id, NULL, $2::text, '00000000-0000-0000-0000-000000000000'::uuid, 0, 'webhook.test', now(), $3::jsonb
  FROM webhook_endpoints WHERE id = $1::uuid
  RETURNING id, endpoint_id
),
lane AS (
  INSERT INTO webhook_lanes (endpoint_id, user_id, ready_at)
  SELECT endpoint_id, '00000000-0000-0000-0000-000000000000'::uuid, now() FROM inserted
  ON CONFLICT (endpoint_id, user_id) DO UPDATE
    SET ready_at = coalesce(webhook_lanes.ready_at, now()), version = webhook_lanes.version + 1
)
SELECT i.id, (SELECT count(pg_notify('health_webhooks', '')) FROM inserted)::int AS notified FROM inserted i
