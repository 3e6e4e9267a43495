-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of
-- webhook_lanes — the user's delivery lanes, one per endpoint (index webhook_lanes_of_user).
-- One short statement per chunk; rows a writer holds are waited for (see erase_health_samples).
-- $1 user_id uuid, $2 chunk_rows integer
WITH doomed AS (
  SELECT ctid FROM webhook_lanes WHERE user_id = $1::uuid LIMIT $2::integer FOR UPDATE
), gone AS (
  DELETE FROM webhook_lanes WHERE ctid = ANY (ARRAY(SELECT ctid FROM doomed)) RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone
