-- 0001_init: the write path's tables.
-- Forward-only: never edit this file once landed; add 0002_… instead (the migrator refuses an
-- applied file whose checksum changed).

-- One row per user: the per-user sequence of committed changes. Every write transaction takes the
-- user's advisory lock first, so concurrent batches of one user serialize instead of deadlocking.
CREATE TABLE user_health_watermarks (
  user_id    uuid PRIMARY KEY,
  seq        bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE health_samples (
  user_id                 uuid NOT NULL,
  source_id               text NOT NULL,
  source_record_id        text NOT NULL,
  start_at                timestamptz NOT NULL,
  end_at                  timestamptz NOT NULL,
  metric_code             text NOT NULL,
  value_kind              text NOT NULL,
  value                   double precision,
  unit                    text,
  category_code           text,
  duration_seconds        double precision,
  timezone_offset_minutes smallint NOT NULL,
  timezone_source         text NOT NULL,
  local_date              date NOT NULL,
  metadata                jsonb NOT NULL DEFAULT '{}'::jsonb,
  source_version          bigint,
  -- when the server received the request whose write (upsert or delete) this row reflects;
  -- a write received earlier than this never overwrites the row (CONTRACT §4.4)
  received_at             timestamptz NOT NULL,
  -- the user's watermark seq of the transaction that last changed the row
  changed_seq             bigint NOT NULL,
  deleted_at              timestamptz,
  -- where the row sat before its last change moved it ([metric, start, end, offset]), or null:
  -- lets an upsert report the (metric, local dates) it left without reading the old row first
  previous_span           jsonb,
  -- key column order puts source_record_id second so the key also serves delete refs that name
  -- only the record id (mobile OSes report deletions that way); ON CONFLICT infers it by column set
  PRIMARY KEY (user_id, source_record_id, source_id, start_at),
  CONSTRAINT health_samples_end_after_start CHECK (end_at >= start_at),
  CONSTRAINT health_samples_value_kind CHECK (value_kind IN ('SCALAR_NUM', 'CUMULATIVE_NUM', 'INTERVAL_NUM', 'CATEGORY')),
  CONSTRAINT health_samples_timezone_source CHECK (timezone_source IN ('sample', 'header', 'default')),
  CONSTRAINT health_samples_timezone_offset CHECK (timezone_offset_minutes BETWEEN -720 AND 840),
  CONSTRAINT health_samples_numeric_fields CHECK (
    value_kind = 'CATEGORY'
    OR (value IS NOT NULL AND unit IS NOT NULL AND category_code IS NULL)
  ),
  CONSTRAINT health_samples_interval_fields CHECK (
    value_kind <> 'INTERVAL_NUM' OR (duration_seconds IS NOT NULL AND duration_seconds >= 0)
  ),
  CONSTRAINT health_samples_category_fields CHECK (
    value_kind <> 'CATEGORY'
    OR (category_code IS NOT NULL AND value IS NULL AND unit IS NULL)
  ),
  CONSTRAINT health_samples_source_version CHECK (source_version IS NULL OR source_version >= 0)
);

-- the read side: a user's live samples by metric, then time (keyset pagination). The only
-- secondary index a live insert maintains besides by_local_date: a time-first index for reads
-- across metrics cost ~16 % of upsert throughput (bench/inline-throughput.ts), so reads without
-- a metric page through this one, metric by metric.
CREATE INDEX health_samples_live_by_metric_time
  ON health_samples (user_id, metric_code, start_at, source_id, source_record_id)
  WHERE deleted_at IS NULL;
-- daily summaries recompute one (user, metric, local date) at a time
CREATE INDEX health_samples_by_local_date ON health_samples (user_id, metric_code, local_date);
-- the soft-delete purger walks old tombstones
CREATE INDEX health_samples_tombstones ON health_samples (deleted_at) WHERE deleted_at IS NOT NULL;

-- Request-level idempotency. State machine:
--   (none) ─inline─▶ completed                      (one transaction: claim … store response)
--   (none) ─queued─▶ queued ─▶ processing ─▶ completed
--                        └──────────┴──────▶ failed ─(client re-send)─▶ processed again
CREATE TABLE health_ingest_requests (
  user_id          uuid NOT NULL,
  request_id       uuid NOT NULL,
  payload_hash     text NOT NULL,
  -- SHA-256 of the body bytes as received: a byte-identical re-send is answered from the
  -- stored reply before any parsing (the replay fast path)
  body_digest      text,
  status           text NOT NULL,
  route            text NOT NULL,
  item_count       integer NOT NULL,
  received_at      timestamptz NOT NULL,
  attempts         integer NOT NULL DEFAULT 1,
  heartbeat_at     timestamptz,
  response_status  smallint,
  -- json (not jsonb) keeps the exact bytes first sent, so a replay is byte-identical
  response_body    json,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  PRIMARY KEY (user_id, request_id),
  CONSTRAINT health_ingest_requests_status CHECK (status IN ('queued', 'processing', 'completed', 'failed')),
  CONSTRAINT health_ingest_requests_route CHECK (route IN ('inline', 'queued')),
  CONSTRAINT health_ingest_requests_completed_has_response CHECK (
    status <> 'completed' OR (response_status IS NOT NULL AND response_body IS NOT NULL)
  )
);
-- the reaper finds unfinished requests; retention finds old finished ones
CREATE INDEX health_ingest_requests_unfinished ON health_ingest_requests (status, updated_at)
  WHERE status IN ('queued', 'processing');
CREATE INDEX health_ingest_requests_finished ON health_ingest_requests (updated_at)
  WHERE status IN ('completed', 'failed');

-- Transactional outbox: written in the same transaction as the samples it describes.
CREATE TABLE outbox_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id       uuid NOT NULL,
  event_type    text NOT NULL,
  seq           bigint NOT NULL,
  payload       jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'pending',
  attempts      integer NOT NULL DEFAULT 0,
  available_at  timestamptz NOT NULL DEFAULT now(),
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz,
  CONSTRAINT outbox_events_status CHECK (status IN ('pending', 'processed', 'dead'))
);
CREATE INDEX outbox_events_pending ON outbox_events (available_at, id) WHERE status = 'pending';
CREATE INDEX outbox_events_processed ON outbox_events (processed_at) WHERE status = 'processed';

CREATE TABLE health_privacy_settings (
  user_id         uuid PRIMARY KEY,
  sync_enabled    boolean NOT NULL DEFAULT true,
  blocked_metrics text[] NOT NULL DEFAULT '{}',
  updated_at      timestamptz NOT NULL DEFAULT now()
);
