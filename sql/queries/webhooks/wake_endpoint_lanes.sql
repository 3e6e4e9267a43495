-- Makes an endpoint's lanes ready by their heads, at once (an operator enabled the endpoint or
-- replayed its events): a head waiting for a retry is due now. After lock_endpoint_lanes.sql;
-- lanes with nothing pending stay NULL.
-- $1 endpoint_id uuid, $2 user_ids uuid[] (NULL: every lane of the endpoint)
UPDATE webhook_lanes l
SET version = l.version + 1,
    ready_at = (
  SELECT least(d.next_attempt_at, now())
  FROM webhook_deliveries d
  WHERE d.endpoint_id = l.endpoint_id AND d.user_id = l.user_id AND d.status = 'pending'
  ORDER BY d.seq, d.id
  LIMIT 1
)
WHERE l.endpoint_id = $1::uuid AND ($2::uuid[] IS NULL OR l.user_id = ANY ($2::uuid[]))
