-- Right after the lock is granted, in the guard transaction: the guard may sit idle for as long
-- as a job may run (the pool's idle-in-transaction timeout is 15 s), up to this ceiling
-- (GUARD_IDLE_CEILING_MS in src/jobs/runner.ts). Being a utility statement, it also replaces the
-- lock query's portal, whose snapshot would otherwise pin the database's xmin for the whole run
-- and keep vacuum and index cleanup from the very rows a purge deletes.
SET LOCAL idle_in_transaction_session_timeout = '30min'
