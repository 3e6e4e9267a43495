-- GET /api/v1/health/export (CONTRACT §10): every live sample of the user, one section-7 item per
-- row as the JSON text of its NDJSON line, in (metric_code, start_at) order with the key's other
-- columns as tie-breakers, served by health_samples_live_by_metric_time. Read through a cursor:
-- the rows are fetched a chunk at a time as the client takes them (one statement, one snapshot:
-- the export is consistent).
-- The line is built here, by concatenation: free text goes through to_json (JSON string escapes),
-- numbers are PostgreSQL's shortest round-trip text (valid JSON; values are finite by the write
-- path's rules), value_kind and timezone_source are CHECKed constants. That is ~10 % fewer bytes
-- than json_build_object's "key" : value spacing, and cheaper for the server. The field spellings
-- are those of samples/list_samples as listSamples maps it (test/e2e/export.test.ts compares them):
-- instants as Date.toISOString() writes them, local_date as YYYY-MM-DD, absent values null.
-- $1 user_id uuid
SELECT '{"sourceId":' || to_json(source_id)::text
    || ',"sourceRecordId":' || to_json(source_record_id)::text
    || ',"metricCode":' || to_json(metric_code)::text
    || ',"valueKind":"' || value_kind
    || '","value":' || coalesce(value::text, 'null')
    || ',"unit":' || coalesce(to_json(unit)::text, 'null')
    || ',"categoryCode":' || coalesce(to_json(category_code)::text, 'null')
    || ',"durationSeconds":' || coalesce(duration_seconds::text, 'null')
    || ',"startAt":"' || to_char(start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    || '","endAt":"' || to_char(end_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    || '","timezoneOffsetMinutes":' || timezone_offset_minutes::text
    || ',"timezoneSource":"' || timezone_source
    || '","localDate":"' || local_date::text
    || '","metadata":' || metadata::text
    || ',"sourceVersion":' || coalesce(source_version::text, 'null')
    || '}' AS item
FROM health_samples
WHERE user_id = $1::uuid AND deleted_at IS NULL
ORDER BY metric_code, start_at, source_id, source_record_id
