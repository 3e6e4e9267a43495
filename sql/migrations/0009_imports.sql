-- 0009_imports: import pipelines (CONTRACT §9): an uploaded file, stored in PostgreSQL as chunks,
-- and the state of its processing.
-- Forward-only: never edit this file once landed; add a later number instead.

-- One import. States:
--   receiving  the upload is being streamed into import_chunks (not listed; a row left in it by a
--              crash mid-upload is deleted by the retention job after a day)
--   queued     stored whole, waiting for a worker
--   running    a worker holds (or held, until lease_expires_at) the lease and processes a slice
--   completed | failed | cancelled   final
-- Progress columns are written in the same transaction as each group of samples (write core),
-- so resume_position (items of the file done) always matches what is in health_samples.
-- body_sha256 + idempotency_key: the same key with the same bytes is the same import.
CREATE TABLE imports (
  id                uuid PRIMARY KEY,
  user_id           uuid NOT NULL,
  format            text NOT NULL,
  status            text NOT NULL DEFAULT 'receiving'
                    CHECK (status IN ('receiving', 'queued', 'running', 'completed', 'failed', 'cancelled')),
  idempotency_key   uuid,
  body_sha256       text,
  params            jsonb NOT NULL DEFAULT '{}',
  bytes_total       bigint,
  bytes_read        bigint NOT NULL DEFAULT 0,
  records_read      bigint NOT NULL DEFAULT 0,
  accepted          bigint NOT NULL DEFAULT 0,
  unchanged         bigint NOT NULL DEFAULT 0,
  failed            bigint NOT NULL DEFAULT 0,
  failed_by_code    jsonb NOT NULL DEFAULT '{}',
  skipped_by_type   jsonb NOT NULL DEFAULT '{}',
  errors            jsonb NOT NULL DEFAULT '[]',
  resume_position   bigint NOT NULL DEFAULT 0,
  watermark_seq     bigint,
  slices            integer NOT NULL DEFAULT 0,
  lease_owner       text,
  lease_expires_at  timestamptz,
  heartbeat_at      timestamptz,
  error_code        text,
  error_message     text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  finished_at       timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX imports_idempotency_key ON imports (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX imports_by_user ON imports (user_id, created_at DESC, id DESC);
CREATE INDEX imports_unfinished ON imports (created_at DESC) WHERE status IN ('receiving', 'queued', 'running');

-- The uploaded file, in order: ordinary MVCC rows (replicated, backed up, deleted in bounded
-- batches with the import), not large objects (which need lo_unlink bookkeeping and are outside
-- row-level cascade). Each chunk is at most IMPORT_CHUNK_BYTES (src/limits.ts).
CREATE TABLE import_chunks (
  import_id  uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  seq        integer NOT NULL,
  bytes      bytea NOT NULL,
  PRIMARY KEY (import_id, seq)
);
-- bytea chunks are already compressed (zip) or compress poorly per TOAST chunk: store them as is
ALTER TABLE import_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
