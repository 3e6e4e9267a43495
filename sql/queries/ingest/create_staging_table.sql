-- Per-connection staging table for COPY. Every column is text and there are no constraints, so
-- a COPY into it cannot be rejected by the server (a rejected COPY FROM STDIN leaks the
-- connection in postgres.js, porsager/postgres #1173); all casts and checks happen in
-- upsert_staged_samples, an ordinary statement that fails cleanly.
CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
  user_id                 text,
  received_at             text,
  source_id               text,
  source_record_id        text,
  start_at                text,
  end_at                  text,
  metric_code             text,
  value_kind              text,
  value                   text,
  unit                    text,
  category_code           text,
  duration_seconds        text,
  timezone_offset_minutes text,
  timezone_source         text,
  local_date              text,
  metadata                text,
  source_version          text
) ON COMMIT DELETE ROWS
