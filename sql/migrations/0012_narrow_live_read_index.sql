-- 0012_narrow_live_read_index: the live read index without the key's tie-breakers.
-- Forward-only: never edit this file once landed.
--
-- health_samples_live_by_metric_time was (user, metric, start, source, record id): the reads' whole
-- keyset order, but also the row's two widest columns again, in every insert (275 B of index per
-- row, as much as the primary key). It keeps (user, metric, start) of live rows. GET samples pages
-- read the rows of a page in that order straight off the index and sort only those by the whole
-- key (samples/list_samples, FETCH FIRST … WITH TIES); the export sorts only the rows that share a
-- start (an incremental sort). test/integration/db/generic-plans.test.ts and export-plan.test.ts
-- hold both to it.
-- bench/pg-cost.ts, per inserted sample: WAL 1,136 → 952 B, index bytes per row 576 → 391.
-- Rebuilding the index holds an ACCESS EXCLUSIVE lock on health_samples while it builds (seconds
-- per million rows); run it in a quiet moment on a large table.
DROP INDEX health_samples_live_by_metric_time;
CREATE INDEX health_samples_live_by_metric_time
  ON health_samples (user_id, metric_code, start_at)
  WHERE deleted_at IS NULL;
