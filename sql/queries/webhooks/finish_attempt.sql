-- The outcome of one attempt to send a delivery, in one statement: the attempt row, the
-- delivery's new state, the endpoint's failure streak, and the lane released and re-timed.
-- The delivery moves only if it is still the claim's (same attempts, still pending): a replay
-- meanwhile put it back to attempts 0, and the replay wins (it is the lane's head again, due now).
-- Run twice (a retry after a lost reply), the second run moves nothing and only re-times the lane.
-- An endpoint's streak starts at its first failure after a success and ends at the next success;
-- $9 (the caller's decision, from the streak the claim saw) disables it, unless a success ended
-- the streak meanwhile.
-- The lane: a retried head keeps it, due at its next attempt; otherwise the next pending delivery
-- in (seq, id) order times it; with none, the lane idles (NULL) — unless its version moved since
-- the claim ($10): a sink added a delivery this statement's snapshot cannot see yet (its upsert
-- held the lane's row, and this update saw the new version after waiting), so it stays ready.
-- $1 delivery_id bigint, $2 attempts integer (the claim's), $3 attempted_at timestamptz,
-- $4 duration_ms integer, $5 status_code integer, $6 error text,
-- $7 outcome text ('delivered' | 'pending' | 'failed'), $8 next_attempt_at timestamptz,
-- $9 disable_endpoint boolean, $10 lane_version bigint (the claim's), $11 endpoint_id uuid, $12 user_id uuid
-- Returns moved (whether the delivery took the outcome), disabled (the endpoint, by this attempt),
-- recorded (the attempt row) and lane_ready (its next head is due now: worth a claim at once).
WITH attempt AS (
  INSERT INTO webhook_attempts (delivery_id, attempted_at, duration_ms, status_code, error)
  SELECT id, $3::timestamptz, $4::integer, $5::integer, $6::text FROM webhook_deliveries WHERE id = $1::bigint
  RETURNING 1
),
moved AS (
  UPDATE webhook_deliveries d
  SET status = $7::text,
      next_attempt_at = coalesce($8::timestamptz, d.next_attempt_at),
      last_attempt_at = $3::timestamptz,
      last_status = $5::integer,
      last_error = $6::text,
      delivered_at = CASE WHEN $7::text = 'delivered' THEN $3::timestamptz ELSE d.delivered_at END,
      updated_at = now()
  WHERE d.id = $1::bigint AND d.attempts = $2::integer AND d.status = 'pending'
  RETURNING 1
),
endpoint AS (
  UPDATE webhook_endpoints w
  SET failing_since = CASE WHEN $7::text = 'delivered' THEN NULL ELSE coalesce(w.failing_since, $3::timestamptz) END,
      disabled = w.disabled OR ($9::boolean AND w.failing_since IS NOT NULL),
      disabled_reason = CASE WHEN NOT w.disabled AND $9::boolean AND w.failing_since IS NOT NULL THEN 'failing' ELSE w.disabled_reason END,
      disabled_at = CASE WHEN NOT w.disabled AND $9::boolean AND w.failing_since IS NOT NULL THEN $3::timestamptz ELSE w.disabled_at END,
      updated_at = now()
  WHERE w.id = $11::uuid
    -- only when the streak starts or ends, or the endpoint is to be disabled
    AND (($7::text = 'delivered') <> (w.failing_since IS NULL) OR $9::boolean)
  RETURNING w.disabled AND w.disabled_reason = 'failing' AND w.disabled_at = $3::timestamptz AS newly_disabled
),
lane AS (
  UPDATE webhook_lanes l
  SET leased_until = NULL,
      ready_at = CASE
        WHEN $7::text = 'pending' AND EXISTS (SELECT 1 FROM moved) THEN $8::timestamptz
        ELSE coalesce(
          -- the next head; this delivery as the snapshot has it unless it just finished
          (SELECT d.next_attempt_at
           FROM webhook_deliveries d
           WHERE d.endpoint_id = l.endpoint_id AND d.user_id = l.user_id AND d.status = 'pending'
             AND (d.id <> $1::bigint OR NOT EXISTS (SELECT 1 FROM moved))
           ORDER BY d.seq, d.id
           LIMIT 1),
          CASE WHEN l.version <> $10::bigint THEN now() END)
      END
  WHERE l.endpoint_id = $11::uuid AND l.user_id = $12::uuid
  RETURNING l.ready_at
)
SELECT (SELECT count(*) FROM moved)::int = 1 AS moved,
       coalesce((SELECT bool_or(newly_disabled) FROM endpoint), false) AS disabled,
       (SELECT count(*) FROM attempt)::int AS recorded,
       coalesce((SELECT ready_at <= now() FROM lane), false) AS lane_ready
