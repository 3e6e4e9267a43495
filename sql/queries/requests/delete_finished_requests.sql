-- Retention: deletes one chunk of finished idempotency records ('completed' or 'failed') last
-- touched more than $1 days ago (index health_ingest_requests_finished). A re-send of such a
-- requestId afterwards is processed as new. Never touches 'queued' or 'processing' rows.
-- The DELETE reaches the chunk's rows by TID (= ANY of their ctids, a TID scan): as a join on the
-- key, the generic plan hash-joined a scan of every request. It does not repeat the status test,
-- which offered the plan a walk of every finished request through the partial index (the doomed
-- rows are locked: their status stays).
-- Returns one row: deleted (how many went).
-- $1 retention_days integer, $2 chunk_rows integer
WITH doomed AS (
  SELECT ctid
  FROM health_ingest_requests
  WHERE status IN ('completed', 'failed')
    AND updated_at < now() - make_interval(days => $1::integer)
  ORDER BY updated_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM health_ingest_requests WHERE ctid = ANY (ARRAY(SELECT ctid FROM doomed))
  RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone
