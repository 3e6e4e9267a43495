-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of webhook_lanes —
-- the user's delivery lanes, one per endpoint, by primary key: (endpoint_id, user_id) for each
-- endpoint (0011 dropped the index of user_id; every lane's endpoint exists: ON DELETE CASCADE).
-- One short statement per chunk, like the soft-delete purger's, but rows a writer holds are
-- waited for, not skipped: the fence stops new writes, so only a write already in flight (or an
-- outbox apply) can hold one, briefly, and the step must leave nothing behind. The erasure's
-- count for the table grows in the same statement, so the audit record is exact across crashes.
-- The DELETE reaches the chunk's rows by TID whatever the generic plan (see erase_health_samples.sql).
-- $1 user_id uuid, $2 chunk_rows integer, $3 erasure_id uuid
WITH doomed AS (
  SELECT ctid FROM webhook_lanes
  WHERE endpoint_id = ANY (ARRAY(SELECT id FROM webhook_endpoints)) AND user_id = $1::uuid
  LIMIT $2::integer FOR UPDATE
), gone AS (
  DELETE FROM webhook_lanes t USING doomed d WHERE t.ctid = d.ctid RETURNING 1
), counted AS (
  UPDATE user_erasures
  SET deleted = jsonb_set(deleted, '{webhook_lanes}', to_jsonb(coalesce((deleted ->> 'webhook_lanes')::bigint, 0) + (SELECT count(*) FROM gone)))
  WHERE id = $3::uuid
)
SELECT count(*)::integer AS deleted FROM gone
