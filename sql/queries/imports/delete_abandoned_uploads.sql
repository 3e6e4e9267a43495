-- Retention (the retention job): deletes up to $2 uploads left in 'receiving' by a process that
-- died mid-upload, untouched for $1 days (their chunks go by cascade). Rows a transaction holds
-- (an upload in progress appending its chunks) are skipped.
-- $1 days integer, $2 limit integer
-- Returns deleted.
WITH doomed AS (
  SELECT id FROM imports
  WHERE status = 'receiving' AND updated_at < now() - make_interval(days => $1::integer)
  ORDER BY created_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
),
deleted AS (
  DELETE FROM imports i USING doomed d WHERE i.id = d.id RETURNING 1
)
SELECT count(*)::int AS deleted FROM deleted
