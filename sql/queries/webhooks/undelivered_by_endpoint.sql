-- /metrics, on scrape: per endpoint, its pending deliveries and the age of the oldest event
-- among them (0 when none), and whether it is disabled. Served by webhook_deliveries_undelivered.
-- Returns one row per endpoint.
SELECT w.id AS endpoint_id, w.disabled,
       (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.status = 'pending')::int AS pending,
       coalesce(extract(epoch FROM now() - (
         SELECT min(d.event_at) FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.status = 'pending'
       )), 0)::float8 AS oldest_age_seconds
FROM webhook_endpoints w
ORDER BY w.id
