-- Whether a database exists, asked on the maintenance database.
-- $1 database name text
SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists
