-- Fragment: the record of a change, for the completion statement of every write (an upload's
-- requests/complete_request, an import's progress update): when $3 is true, bumps the user's
-- watermark (the seq the samples were written with; the caller holds the user's write lock) and
-- appends one outbox event with that seq. Two CTEs, `bumped` (seq) and `event` (id), after the
-- includer's WITH; data-modifying CTEs always run, referenced or not. Waking the outbox: the
-- write core does it after the commit (src/outbox/wake-up.ts); imports/finish_import and
-- erasure/record_user_erased, outside it (once per import or erasure), with pg_notify in their
-- RETURNING.
-- $1 user_id uuid, $3 changed boolean, $4 event_type text, $5 event_payload jsonb
bumped AS (
  INSERT INTO user_health_watermarks AS w (user_id, seq)
  SELECT $1::uuid, 1 WHERE $3::boolean
  ON CONFLICT (user_id) DO UPDATE SET seq = w.seq + 1, updated_at = now()
  RETURNING w.seq
),
event AS (
  INSERT INTO outbox_events (user_id, event_type, seq, payload)
  SELECT $1::uuid, $4, b.seq, $5::jsonb FROM bumped b
  RETURNING id
)
