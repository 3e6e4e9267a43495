-- Imports per state (/metrics health_ingest_imports{status}).
SELECT status, count(*)::bigint AS count FROM imports WHERE status <> 'receiving' GROUP BY status
