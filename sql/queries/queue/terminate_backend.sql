-- Ends a stuck connection's server process (its transaction rolls back).
-- $1 pid integer
SELECT pg_terminate_backend($1::integer) AS terminated
