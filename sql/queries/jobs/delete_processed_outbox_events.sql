-- Retention: deletes one chunk of outbox events processed more than $1 days ago (index
-- outbox_events_processed). 'pending' and 'dead' events are never deleted.
-- The DELETE finds the chunk's ids by = ANY (one scan of the primary key for all of them); it
-- does not repeat `status = 'processed'`, which offered the generic plan a walk of every processed
-- event through the partial index (the doomed rows are locked: their status stays).
-- $1 retention_days integer, $2 chunk_rows integer
WITH doomed AS (
  SELECT id
  FROM outbox_events
  WHERE status = 'processed'
    AND processed_at < now() - make_interval(days => $1::integer)
  ORDER BY processed_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM outbox_events WHERE id = ANY (ARRAY(SELECT id FROM doomed))
  RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone
