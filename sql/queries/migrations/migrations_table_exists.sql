-- Whether schema_migrations exists (a fresh database has none).
SELECT to_regclass('schema_migrations') IS NOT NULL AS exists
