-- 0011_webhook_delivery_indexes: fewer index entries per webhook delivery (issue 16: webhooks cost
-- ingest too much). A delivery row is inserted once and updated twice (the claim counts the
-- attempt, the finish sets its outcome); the finish changes `status`, which the partial indexes'
-- predicates read, so it is never a HOT update and adds an entry to every index whose predicate
-- the new version matches. 0008 gave the table seven indexes: 6 entries per insert, 5 per finish.
-- Forward-only: never edit this file once landed; add a later number instead.

-- Idempotence and the erasure share one index: (user_id, event_id, endpoint_id) is unique exactly
-- when (endpoint_id, event_id) is, as an outbox event belongs to one user, and its leading user_id
-- serves forget_user_deliveries.sql, which webhook_deliveries_of_user was there for.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_once;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_once UNIQUE (user_id, event_id, endpoint_id);
DROP INDEX webhook_deliveries_of_user;

-- /metrics' pending count and oldest event per endpoint read the lane index instead (its leading
-- endpoint_id, the same `status = 'pending'` predicate): undelivered_by_endpoint.sql.
DROP INDEX webhook_deliveries_undelivered;

-- Nothing reads webhook_attempts by time: retention deletes deliveries, and their attempts go
-- with them by webhook_attempts_of_delivery (ON DELETE CASCADE).
DROP INDEX webhook_attempts_time;

-- The erasure reaches a user's lanes by primary key, one probe per endpoint (erase_webhook_lanes.sql,
-- forget_user_deliveries.sql; every lane's endpoint exists: ON DELETE CASCADE), so the lane
-- updates that move ready_at (two per delivery: the sink's, the finish's; not HOT, as ready_at is
-- indexed) stop adding an entry to an index of user_id too.
DROP INDEX webhook_lanes_of_user;

-- Room on the page for the claim's update (attempts + 1, no indexed column: HOT), which comes
-- right after the insert filled the page; pages written from now on.
ALTER TABLE webhook_deliveries SET (fillfactor = 80);

-- A lane row is updated three times per delivery (the sink's upsert, the claim's lease, the
-- finish's re-timing) and a handful of rows take it all: room for HOT updates, and vacuum after a
-- fixed number of changes (as 0004 does for the outbox) rather than 20 % of a tiny table.
ALTER TABLE webhook_lanes SET (
  fillfactor = 50,
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 2000
);
