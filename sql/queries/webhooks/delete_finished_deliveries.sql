-- Retention (the retention job): deletes up to $2 deliveries that finished (delivered or failed)
-- more than $1 days ago, oldest first, with their attempts (cascade). Pending ones never; rows a
-- transaction holds are skipped. Served by webhook_deliveries_finished.
-- The DELETE finds the chunk's ids by = ANY (one scan of the primary key for all of them): as a
-- join with doomed, the generic plan hash-joined a scan of every delivery.
-- $1 days integer, $2 limit integer
-- Returns deleted.
WITH doomed AS (
  SELECT id FROM webhook_deliveries
  WHERE status <> 'pending' AND updated_at < now() - make_interval(days => $1::integer)
  ORDER BY updated_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
),
deleted AS (
  DELETE FROM webhook_deliveries WHERE id = ANY (ARRAY(SELECT id FROM doomed)) RETURNING 1
)
SELECT count(*)::int AS deleted FROM deleted
