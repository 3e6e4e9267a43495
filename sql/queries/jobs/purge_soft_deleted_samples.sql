-- Soft-delete purger: physically deletes one chunk of samples soft-deleted more than $1 days ago,
-- oldest first (index health_samples_tombstones). One short statement per chunk, run on its own:
-- rows a writer holds are skipped (never waited for) and picked up by a later chunk or tick.
-- $1 retention_days integer, $2 chunk_rows integer
WITH doomed AS (
  SELECT ctid
  FROM health_samples
  WHERE deleted_at < now() - make_interval(days => $1::integer)
  ORDER BY deleted_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM health_samples
  WHERE ctid = ANY (ARRAY(SELECT ctid FROM doomed))
  RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone
