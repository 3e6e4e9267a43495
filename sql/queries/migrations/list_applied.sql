-- Applied migrations in order; returns nothing when the table does not exist yet.
SELECT version, name, checksum
FROM schema_migrations
ORDER BY version
