-- 0004_queue_table_vacuum: the outbox and the request table are queue-like — every row is
-- updated a few times within seconds (claimed, leased, marked; queued, processing, completed).
-- With the default thresholds (20 % of the table) autovacuum reaches them late, dead index
-- entries pile up in the partial indexes the claim and the reaper walk, and every claim gets
-- slower as the table grows (seen in bench/soak.ts: the outbox backlog grew after ~4 minutes).
-- Vacuum them after a fixed number of changes instead, and leave room for HOT updates.
ALTER TABLE outbox_events SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 5000,
  autovacuum_analyze_scale_factor = 0,
  autovacuum_analyze_threshold = 5000,
  fillfactor = 80
);
ALTER TABLE health_ingest_requests SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 5000,
  fillfactor = 80
);
ALTER TABLE projection_checkpoints SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 2000
);
