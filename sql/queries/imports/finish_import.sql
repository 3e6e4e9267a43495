-- Ends an import (completed, failed or cancelled) under the user's write lock (taken by
-- lock_import_for_write or lock_import_of_user): its final state, and the health.import.completed
-- outbox event with the next watermark seq (every outbox event carries one, so projections'
-- checkpoints can pass it). The lease ends with it.
-- Returns watermark_seq (the event's seq), notified.
-- $1 user_id uuid, $2 id uuid, $3 changed boolean (always true), $4 event_type text,
-- $5 event_payload jsonb, $6 status text, $7 error_code text, $8 error_message text, $9 bytes_read bigint
WITH
-- @include ingest/_record_change
UPDATE imports i
SET status = $6, error_code = $7, error_message = $8, bytes_read = greatest(i.bytes_read, coalesce($9::bigint, 0)),
    lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
WHERE i.user_id = $1::uuid AND i.id = $2::uuid
RETURNING (SELECT seq FROM bumped) AS watermark_seq,
          (SELECT count(pg_notify('health_outbox', '')) FROM event) AS notified
