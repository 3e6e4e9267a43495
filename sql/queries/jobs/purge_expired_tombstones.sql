-- Soft-delete purger, second pass: deletes one chunk of delete tombstones (migration 0006) received
-- more than $1 days ago, oldest first (index health_sample_tombstones_expiry). Same technique as
-- purge_soft_deleted_samples: one short statement per chunk, rows a writer holds are skipped.
-- A write received that long before it is processed no longer exists (the reaper fails it long
-- before), so an expired tombstone can no longer overtake anything.
-- $1 retention_days integer, $2 chunk_rows integer
WITH doomed AS (
  SELECT ctid
  FROM health_sample_tombstones
  WHERE received_at < now() - make_interval(days => $1::integer)
  ORDER BY received_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM health_sample_tombstones
  WHERE ctid = ANY (ARRAY(SELECT ctid FROM doomed))
  RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone
