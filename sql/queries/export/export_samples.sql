-- GET /api/v1/health/export (CONTRACT §10): every live sample of the user, one section-7 item per
-- row as JSON text (built by the server, so the service only joins lines), in (metric_code,
-- start_at) order with the key's other columns as tie-breakers, served by
-- health_samples_live_by_metric_time. Read through a cursor: the rows are fetched a chunk at a
-- time as the client takes them (one statement, one snapshot: the export is consistent).
-- Field spellings match samples/list_samples as listSamples maps it: instants as
-- Date.toISOString() writes them, local_date as YYYY-MM-DD, absent values null.
-- $1 user_id uuid
SELECT json_build_object(
         'sourceId', source_id,
         'sourceRecordId', source_record_id,
         'metricCode', metric_code,
         'valueKind', value_kind,
         'value', value,
         'unit', unit,
         'categoryCode', category_code,
         'durationSeconds', duration_seconds,
         'startAt', to_char(start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'endAt', to_char(end_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'timezoneOffsetMinutes', timezone_offset_minutes,
         'timezoneSource', timezone_source,
         'localDate', local_date::text,
         'metadata', metadata,
         'sourceVersion', source_version
       )::text AS item
FROM health_samples
WHERE user_id = $1::uuid AND deleted_at IS NULL
ORDER BY metric_code, start_at, source_id, source_record_id
