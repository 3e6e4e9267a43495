-- Records one applied migration.
-- $1 version integer, $2 name text, $3 checksum text (sha256 hex of the file)
INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)
