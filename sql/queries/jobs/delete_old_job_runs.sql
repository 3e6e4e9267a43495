-- Retention: deletes one chunk of job run records that started more than $1 days ago.
-- The DELETE finds the chunk's ids by = ANY (one scan of the primary key for all of them): as a
-- join with doomed, the generic plan hash-joined a scan of every job run.
-- $1 retention_days integer, $2 chunk_rows integer
WITH doomed AS (
  SELECT id
  FROM job_runs
  WHERE started_at < now() - make_interval(days => $1::integer)
  ORDER BY started_at
  LIMIT $2::integer
), gone AS (
  DELETE FROM job_runs WHERE id = ANY (ARRAY(SELECT id FROM doomed)) RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone
