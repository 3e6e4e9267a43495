-- Streams encoded rows into the staging table (text format, tab-separated, \N for null).
COPY ingest_staging (user_id, received_at, source_id, source_record_id, start_at, end_at,
                     metric_code, value_kind, value, unit, category_code, duration_seconds,
                     timezone_offset_minutes, timezone_source, local_date, metadata, source_version)
FROM STDIN
