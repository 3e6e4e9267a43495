-- 0006_delete_tombstones: every delete ref leaves a tombstone, so a delete processed before the
-- older write it deletes still wins (CONTRACT §4.4): both upserts skip a sample that a tombstone
-- received at or after the write matches. Receipt order is the rule; a tie goes to the delete
-- (a request's deletes are applied after its own samples, so a delete wins a tie in one request
-- already, and the same holds across requests).
-- Forward-only: never edit this file once landed.
CREATE TABLE health_sample_tombstones (
  user_id          uuid NOT NULL,
  source_record_id text NOT NULL,
  -- the ref's optional fields; null = the ref did not name it, so it matches any value
  source_id        text,
  metric_code      text,
  start_at         timestamptz,
  -- when the server received the delete (the latest one, when the same ref was sent again)
  received_at      timestamptz NOT NULL,
  -- one row per distinct ref; also serves the write path's probe by (user, record id)
  CONSTRAINT health_sample_tombstones_ref UNIQUE NULLS NOT DISTINCT
    (user_id, source_record_id, source_id, metric_code, start_at)
);
-- The write path's guard: the receipt time of the user's latest delete, on the row every write
-- transaction locks anyway. A write received after it (nearly every write) needs no per-row
-- probe; only one that a later delete overtook looks its samples up in the tombstones. A
-- (user, received_at) index instead led generic plans to scan the user's newer tombstones per row.
-- Purged tombstones leave it behind: it only ever makes a probe happen, never skips one.
ALTER TABLE user_health_watermarks ADD COLUMN last_delete_received_at timestamptz;
-- the soft-delete purger expires them with SOFT_DELETE_RETENTION_DAYS, oldest first
CREATE INDEX health_sample_tombstones_expiry ON health_sample_tombstones (received_at);
