-- Erasure step (src/erasure/erasure-steps.ts): deletes one chunk of the user's rows of
-- outbox_events — every event of the user (pending, processed, dead): their payloads name the
-- user's metrics and dates.
-- One short statement per chunk; rows a writer holds are waited for (see erase_health_samples).
-- The erasure's count for the table grows in the same statement.
-- Keyset on (user_id, id) (outbox_events_of_user), each chunk from the id after the last one
-- deleted ($4, returned as `after`), for the reason erase_health_samples gives. The keyset is a row
-- comparison on (user_id, id), which only outbox_events_of_user can serve: with `id > $4`, a generic
-- plan walked the primary key from the first id, passing every other user's events.
-- The DELETE reaches the chunk's rows by TID whatever the generic plan (see erase_health_samples.sql).
-- $1 user_id uuid, $2 chunk_rows integer, $3 erasure_id uuid, $4 after jsonb ([id]; null: from the start)
WITH doomed AS (
  SELECT ctid, id FROM outbox_events
  WHERE user_id = $1::uuid AND (user_id, id) > ($1::uuid, coalesce(($4::jsonb ->> 0)::bigint, 0))
  ORDER BY user_id, id
  LIMIT $2::integer
  FOR UPDATE
), gone AS (
  DELETE FROM outbox_events t USING doomed d WHERE t.ctid = d.ctid RETURNING 1
), counted AS (
  UPDATE user_erasures
  SET deleted = jsonb_set(deleted, '{outbox_events}', to_jsonb(coalesce((deleted ->> 'outbox_events')::bigint, 0) + (SELECT count(*) FROM gone)))
  WHERE id = $3::uuid
)
SELECT (SELECT count(*) FROM gone)::integer AS deleted, (SELECT jsonb_build_array(max(id)) FROM doomed) AS after
