-- A delivery worker claims up to $1 ready lanes and, for each, the lane's head: its earliest
-- pending delivery in (seq, id) order. FOR UPDATE SKIP LOCKED: workers take disjoint lanes and
-- never wait for each other; the claim is a lease (leased_until, $2 ms), so the head of a lane
-- whose worker died is sent again once the lease ran out (at least once).
-- Order within a user: a head is only sent once the webhooks sink has applied every earlier seq
-- of its user (projection_checkpoints 'webhooks', projected_seq = highest contiguous applied seq):
-- an earlier event applied late (retried, or by a slower processor) still goes first. Test
-- messages (the nil user) have no such order.
-- Per-endpoint bound: endpoints in $4 are left out (their worker slots are full); of the others
-- at most $5 (spare slots per endpoint, in the order of $4's partial list $6/$7) are leased, the
-- rest of what was picked stays ready for the next claim.
-- The head's attempts go up here (the lease counts as an attempt: a worker dying mid-send used
-- one); `attempts` returned is the finish statement's guard against a replay in between. It
-- leaves updated_at alone (the finish sets it): updated_at is indexed (retention's
-- webhook_deliveries_finished), attempts is not, so this update can stay a HOT update, without
-- new entries in the table's seven indexes.
-- $1 limit integer, $2 lease_ms integer, $3 now timestamptz (NULL: the database clock),
-- $4 full_endpoints uuid[], $5 per_endpoint integer, $6 partial_endpoints uuid[], $7 partial_spare integer[]
-- Returns one row per leased lane; delivery_id NULL when its head was finished meanwhile
-- (the caller releases such a lane at once).
WITH clock AS (SELECT coalesce($3::timestamptz, now()) AS now),
picked AS (
  SELECT l.endpoint_id, l.user_id, l.ready_at, h.id AS delivery_id
  FROM webhook_lanes l
  JOIN webhook_endpoints w ON w.id = l.endpoint_id
  CROSS JOIN LATERAL (
    SELECT d.id, d.seq
    FROM webhook_deliveries d
    WHERE d.endpoint_id = l.endpoint_id AND d.user_id = l.user_id AND d.status = 'pending'
    ORDER BY d.seq, d.id
    LIMIT 1
  ) AS h
  LEFT JOIN projection_checkpoints c ON c.user_id = l.user_id AND c.projection = 'webhooks'
  WHERE l.ready_at <= (SELECT now FROM clock)
    AND (l.leased_until IS NULL OR l.leased_until <= (SELECT now FROM clock))
    AND NOT w.disabled
    AND NOT (l.endpoint_id = ANY ($4::uuid[]))
    AND (l.user_id = '00000000-0000-0000-0000-000000000000'::uuid OR h.seq <= coalesce(c.projected_seq, 0))
  ORDER BY l.ready_at
  LIMIT $1::integer
  FOR UPDATE OF l SKIP LOCKED
),
allowed AS (
  SELECT p.endpoint_id, p.user_id, p.delivery_id
  FROM (SELECT p.*, row_number() OVER (PARTITION BY p.endpoint_id ORDER BY p.ready_at) AS rank FROM picked p) AS p
  LEFT JOIN unnest($6::uuid[], $7::integer[]) AS partial(endpoint_id, spare) ON partial.endpoint_id = p.endpoint_id
  WHERE p.rank <= coalesce(partial.spare, $5::integer)
),
leased AS (
  UPDATE webhook_lanes l
  SET leased_until = (SELECT now FROM clock) + make_interval(secs => $2::integer / 1000.0)
  FROM allowed a
  WHERE l.endpoint_id = a.endpoint_id AND l.user_id = a.user_id
  RETURNING l.endpoint_id, l.user_id, l.version
),
sending AS (
  UPDATE webhook_deliveries d
  SET attempts = d.attempts + 1
  FROM allowed a
  -- = ANY beside the join: primary-key probes, not a walk of every pending delivery
  WHERE d.id = a.delivery_id AND d.status = 'pending' AND d.id = ANY (ARRAY(SELECT delivery_id FROM allowed))
  RETURNING d.id, d.endpoint_id, d.user_id, d.message_id, d.event_type, d.event_at, d.data, d.attempts
)
SELECT le.endpoint_id, le.user_id, le.version, s.id AS delivery_id, s.message_id, s.event_type, s.event_at, s.data, s.attempts,
       w.url, w.secret_sealed, w.previous_secret_sealed, w.previous_secret_until, w.failing_since,
       (SELECT now FROM clock) AS claimed_at
FROM leased le
JOIN webhook_endpoints w ON w.id = le.endpoint_id
LEFT JOIN sending s ON s.endpoint_id = le.endpoint_id AND s.user_id = le.user_id
