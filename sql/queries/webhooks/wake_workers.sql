-- Wakes the delivery workers (LISTEN health_webhooks) after the outbox transaction that recorded
-- deliveries has committed (src/webhooks/wake-up.ts). A transaction of its own that commits
-- asynchronously (set_config's `true`: this statement's transaction only): a notifying commit
-- holds PostgreSQL's cluster-wide notification lock until its commit record is flushed, and a
-- lost wake-up costs nothing the workers' polling does not cover.
SELECT pg_notify('health_webhooks', '') AS notified
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
