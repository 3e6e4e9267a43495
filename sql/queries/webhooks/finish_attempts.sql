-- The outcomes of a batch of attempts (at most one per lane), in one statement: the attempt rows,
-- the deliveries' new states, the endpoints' failure streaks, and the lanes released and re-timed.
-- Runs after lock_finished_lanes.sql in the same transaction. One statement per batch instead of
-- one per attempt: the delivery worker collects the attempts that finish while a batch is being
-- recorded into the next one (delivery-worker.ts).
-- A delivery moves only if it is still the claim's (same attempts, still pending): a replay
-- meanwhile put it back to attempts 0, and the replay wins (it is the lane's head again, due now).
-- Run twice (a retry after a lost reply), the second run moves nothing and only re-times the lanes.
-- An endpoint's streak starts at its first failure after a success and ends at the next success;
-- of the batch's attempts to one endpoint, the latest success ends it and the first failure after
-- that starts a new one. `disable_endpoint` (the caller's decision, from the streak the claim
-- saw) disables it, unless a success ended the streak meanwhile or later in the batch.
-- A lane: a retried head keeps it, due at its next attempt; otherwise the next pending delivery
-- in (seq, id) order times it; with none, the lane idles (NULL) — unless its version moved since
-- the claim: a sink added a delivery this statement's snapshot cannot see yet (its upsert held
-- the lane's row, and the lock saw the new version after waiting), so it stays ready.
-- $1 attempts jsonb: [{"deliveryId", "attempts" (the claim's), "attemptedAt", "durationMs",
--   "statusCode", "error", "outcome" ('delivered' | 'pending' | 'failed'), "nextAttemptAt",
--   "disableEndpoint", "laneVersion" (the claim's), "endpointId", "userId"}]
-- Returns one row per attempt: delivery_id, moved (the delivery took the outcome), lane_ready (the
-- lane's next head is due now: worth a claim at once), endpoint_disabled (its endpoint, by this
-- batch; on every row of that endpoint).
WITH input AS (
  SELECT i.*
  FROM jsonb_to_recordset($1::jsonb) AS i(
    "deliveryId" bigint, attempts integer, "attemptedAt" timestamptz, "durationMs" integer, "statusCode" integer,
    error text, outcome text, "nextAttemptAt" timestamptz, "disableEndpoint" boolean, "laneVersion" bigint,
    "endpointId" uuid, "userId" uuid)
),
-- Every table is reached by index probes for the batch's keys (a lateral probe, or = ANY of the
-- keys beside the join): as plain joins, the generic plan of this prepared statement, made while
-- the tables were small, hash-joined sequential scans of webhook_deliveries and webhook_lanes,
-- whose cost grew with the retained deliveries.
attempt AS (
  INSERT INTO webhook_attempts (delivery_id, attempted_at, duration_ms, status_code, error)
  SELECT d.id, i."attemptedAt", i."durationMs", i."statusCode", i.error
  FROM input i CROSS JOIN LATERAL (SELECT id FROM webhook_deliveries WHERE id = i."deliveryId" OFFSET 0) AS d
  RETURNING 1
),
moved AS (
  UPDATE webhook_deliveries d
  SET status = i.outcome,
      next_attempt_at = coalesce(i."nextAttemptAt", d.next_attempt_at),
      last_attempt_at = i."attemptedAt",
      last_status = i."statusCode",
      last_error = i.error,
      delivered_at = CASE WHEN i.outcome = 'delivered' THEN i."attemptedAt" ELSE d.delivered_at END,
      updated_at = now()
  FROM input i
  WHERE d.id = i."deliveryId" AND d.attempts = i.attempts AND d.status = 'pending'
    AND d.id = ANY (ARRAY(SELECT "deliveryId" FROM input))
  RETURNING d.id
),
streak AS (
  SELECT e."endpointId" AS endpoint_id, e.last_success_at, e.last_at,
         min(i."attemptedAt") FILTER (WHERE i.outcome <> 'delivered' AND (e.last_success_at IS NULL OR i."attemptedAt" > e.last_success_at)) AS failing_from,
         bool_or(i."disableEndpoint") AS disable
  FROM (
    SELECT "endpointId", max("attemptedAt") FILTER (WHERE outcome = 'delivered') AS last_success_at, max("attemptedAt") AS last_at
    FROM input GROUP BY "endpointId"
  ) AS e
  JOIN input i ON i."endpointId" = e."endpointId"
  GROUP BY e."endpointId", e.last_success_at, e.last_at
),
endpoint AS (
  UPDATE webhook_endpoints w
  SET failing_since = CASE
        WHEN s.failing_from IS NULL THEN NULL
        WHEN s.last_success_at IS NULL THEN coalesce(w.failing_since, s.failing_from)
        ELSE s.failing_from
      END,
      disabled = w.disabled OR (s.disable AND s.last_success_at IS NULL AND w.failing_since IS NOT NULL),
      disabled_reason = CASE WHEN NOT w.disabled AND s.disable AND s.last_success_at IS NULL AND w.failing_since IS NOT NULL THEN 'failing' ELSE w.disabled_reason END,
      disabled_at = CASE WHEN NOT w.disabled AND s.disable AND s.last_success_at IS NULL AND w.failing_since IS NOT NULL THEN s.last_at ELSE w.disabled_at END,
      updated_at = now()
  FROM streak s
  WHERE w.id = s.endpoint_id
    -- only when the streak starts or ends, or the endpoint is to be disabled
    AND ((s.failing_from IS NULL) <> (w.failing_since IS NULL) OR s.last_success_at IS NOT NULL AND s.failing_from IS NOT NULL OR s.disable)
  RETURNING w.id, s.disable AND w.disabled AND w.disabled_reason = 'failing' AND w.disabled_at = s.last_at AS newly_disabled
),
lane AS (
  UPDATE webhook_lanes l
  SET leased_until = NULL,
      ready_at = CASE
        WHEN i.outcome = 'pending' AND i."deliveryId" IN (SELECT id FROM moved) THEN i."nextAttemptAt"
        ELSE coalesce(
          -- the next head; this delivery as the snapshot has it unless it just finished
          (SELECT d.next_attempt_at
           FROM webhook_deliveries d
           WHERE d.endpoint_id = l.endpoint_id AND d.user_id = l.user_id AND d.status = 'pending'
             AND (d.id <> i."deliveryId" OR i."deliveryId" NOT IN (SELECT id FROM moved))
           ORDER BY d.seq, d.id
           LIMIT 1),
          CASE WHEN l.version <> i."laneVersion" THEN now() END)
      END
  FROM input i
  WHERE l.endpoint_id = i."endpointId" AND l.user_id = i."userId"
    AND l.endpoint_id = ANY (ARRAY(SELECT "endpointId" FROM input)) AND l.user_id = ANY (ARRAY(SELECT "userId" FROM input))
  RETURNING l.endpoint_id, l.user_id, l.ready_at
)
SELECT i."deliveryId" AS delivery_id,
       i."deliveryId" IN (SELECT id FROM moved) AS moved,
       coalesce((SELECT la.ready_at <= now() FROM lane la WHERE la.endpoint_id = i."endpointId" AND la.user_id = i."userId"), false) AS lane_ready,
       coalesce((SELECT e.newly_disabled FROM endpoint e WHERE e.id = i."endpointId"), false) AS endpoint_disabled,
       (SELECT count(*) FROM attempt)::int AS recorded
FROM input i
