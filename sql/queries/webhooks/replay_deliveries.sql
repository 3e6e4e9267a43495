-- POST /admin/webhooks/{id}/replay: every delivery of the endpoint whose event happened at or
-- after $2, whatever its state, back to pending with fresh attempts and due now (same
-- webhook-id, same body). A delivery in flight keeps its lease; its finish no longer matches
-- (attempts changed) and it is sent again. Lanes without a row yet are created; the caller then
-- re-times the returned users' lanes (lock_endpoint_lanes.sql, wake_endpoint_lanes.sql).
-- $1 endpoint_id uuid, $2 since timestamptz
-- Returns one row per user lane touched, with how many deliveries it replays.
WITH replayed AS (
  UPDATE webhook_deliveries
  SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
  WHERE endpoint_id = $1::uuid AND event_at >= $2::timestamptz
  RETURNING user_id
),
lanes AS (
  INSERT INTO webhook_lanes (endpoint_id, user_id, ready_at)
  SELECT DISTINCT $1::uuid, user_id, now() FROM replayed
  ORDER BY 2
  ON CONFLICT (endpoint_id, user_id) DO NOTHING
)
SELECT user_id, count(*)::int AS replayed FROM replayed GROUP BY user_id ORDER BY user_id
