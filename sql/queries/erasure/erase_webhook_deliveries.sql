-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of webhook_deliveries —
-- the webhook deliveries of the user, delivered or not (their attempts go with them: ON DELETE CASCADE); what is left, and the lanes, go in the final transaction too (webhooks/forgetUserDeliveries).
-- One short statement per chunk, like the soft-delete purger's, but rows a writer holds are
-- waited for, not skipped: the fence stops new writes, so only a write already in flight (or an
-- outbox apply) can hold one, briefly, and the step must leave nothing behind. The erasure's
-- count for the table grows in the same statement, so the audit record is exact across crashes.
-- ORDER BY follows webhook_deliveries_once, which starts with user_id: a generic plan walks it
-- too (as with no order, after ANALYZE it scanned the table, passing other users' rows).
-- The DELETE reaches the chunk's rows by TID whatever the generic plan (see erase_health_samples.sql).
-- $1 user_id uuid, $2 chunk_rows integer, $3 erasure_id uuid
WITH doomed AS (
  SELECT ctid FROM webhook_deliveries WHERE user_id = $1::uuid
  ORDER BY event_id, endpoint_id
  LIMIT $2::integer FOR UPDATE
), gone AS (
  DELETE FROM webhook_deliveries t USING doomed d WHERE t.ctid = d.ctid RETURNING 1
), counted AS (
  UPDATE user_erasures
  SET deleted = jsonb_set(deleted, '{webhook_deliveries}', to_jsonb(coalesce((deleted ->> 'webhook_deliveries')::bigint, 0) + (SELECT count(*) FROM gone)))
  WHERE id = $3::uuid
)
SELECT count(*)::integer AS deleted FROM gone
