-- The server process of this connection, so a watchdog can end a COPY that never settles.
SELECT pg_backend_pid() AS pid
