-- Retention: uploads left in 'receiving' by a process that died mid-upload (their chunks go by
-- cascade). Bounded per tick. Returns the number deleted.
-- $1 older_than_seconds integer, $2 max_rows integer
WITH doomed AS (
  SELECT id FROM imports
  WHERE status = 'receiving' AND updated_at < now() - make_interval(secs => $1::integer)
  ORDER BY created_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
)
DELETE FROM imports i USING doomed d WHERE i.id = d.id
