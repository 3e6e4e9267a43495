-- Ends a worker's lease on a lane and times it by its (new) head: ready when the head's next
-- attempt is due, NULL when nothing is pending. Runs after lock_lane.sql in the same transaction.
-- $1 endpoint_id uuid, $2 user_id uuid
UPDATE webhook_lanes l
SET leased_until = NULL,
    ready_at = (
      SELECT d.next_attempt_at
      FROM webhook_deliveries d
      WHERE d.endpoint_id = l.endpoint_id AND d.user_id = l.user_id AND d.status = 'pending'
      ORDER BY d.seq, d.id
      LIMIT 1
    )
WHERE l.endpoint_id = $1::uuid AND l.user_id = $2::uuid
