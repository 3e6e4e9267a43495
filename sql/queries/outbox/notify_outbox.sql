-- Wakes the outbox processors (LISTEN health_outbox) after a write that appended events has
-- committed (src/outbox/wake-up.ts). A transaction of its own that commits asynchronously
-- (set_config's `true`: for this statement's transaction only): a notifying commit holds
-- PostgreSQL's cluster-wide notification lock until its commit record is flushed, and a lost
-- wake-up costs nothing the processors' polling does not cover.
SELECT pg_notify('health_outbox', '') AS notified
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
