-- 0002_projections: the read side built from the outbox (outbox processor, projection
-- coordinator, daily summaries).
-- Forward-only: never edit this file once landed; add a later number instead.

-- How far each projection has applied each user's change sequence (user_health_watermarks.seq;
-- one outbox event per seq). Events are applied in any order (several processors, retries,
-- replayed dead letters), so projected_seq is the highest CONTIGUOUS applied seq and
-- applied_seqs keeps the applied seqs above it (ascending) until the gap below them closes.
-- An apply transaction locks its (user, projection) row first, so applies of one user's events
-- to one projection serialize: the later one reads the samples after the earlier one committed.
CREATE TABLE projection_checkpoints (
  user_id       uuid NOT NULL,
  projection    text NOT NULL,
  projected_seq bigint NOT NULL DEFAULT 0 CHECK (projected_seq >= 0),
  applied_seqs  bigint[] NOT NULL DEFAULT '{}',
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, projection)
);

-- Daily summaries per (user, metric, local date), in the metric's canonical unit; for CATEGORY
-- metrics the numbers are seconds (unit 's') and category_seconds splits them per category.
-- Recomputed from the live samples of a cell on every event that touches it (never incremented);
-- a cell with no live sample left has no row. Reads go by the primary key (metric list × date
-- range).
CREATE TABLE health_daily_summaries (
  user_id          uuid NOT NULL,
  metric_code      text NOT NULL,
  local_date       date NOT NULL,
  sample_count     integer NOT NULL CHECK (sample_count > 0),
  value_sum        double precision NOT NULL,
  value_min        double precision NOT NULL,
  value_max        double precision NOT NULL,
  value_avg        double precision NOT NULL,
  unit             text,
  -- CATEGORY metrics only: {"deep": 1800, "rem": 900, …}
  category_seconds jsonb,
  -- the same numbers per source, ascending by sourceId: [{"sourceId", "count", "sum", "min",
  -- "max", "avg", "categorySeconds"?}], so a client can avoid double counting phone + watch
  by_source        jsonb NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, metric_code, local_date)
);

-- operators list dead letters (GET /admin/outbox/dead)
CREATE INDEX outbox_events_dead ON outbox_events (id) WHERE status = 'dead';
