-- /metrics, on scrape: per endpoint, its pending deliveries and the age of the oldest event
-- among them (0 when none), and whether it is disabled. One walk of the endpoint's part of
-- webhook_deliveries_lane (pending rows only; 0011 dropped the index on (endpoint_id, event_at)
-- that gave the oldest in one probe, as it cost every delivery two index entries): its cost
-- grows with the backlog, which is small unless an endpoint is down.
-- Returns one row per endpoint.
SELECT w.id AS endpoint_id, w.disabled, p.pending,
       coalesce(extract(epoch FROM now() - p.oldest), 0)::float8 AS oldest_age_seconds
FROM webhook_endpoints w
CROSS JOIN LATERAL (
  SELECT count(*)::int AS pending, min(d.event_at) AS oldest
  FROM webhook_deliveries d
  WHERE d.endpoint_id = w.id AND d.status = 'pending'
) AS p
ORDER BY w.id
