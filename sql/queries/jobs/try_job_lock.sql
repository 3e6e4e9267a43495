-- Opens a job's tick: in the guard transaction, tries the job's advisory lock (transaction-scoped,
-- so it can never leak through the pool: commit or rollback releases it). Returns the database
-- clock too, so every replica stamps runs with the same clock.
-- Two-key form (namespace, job): a keyspace apart from the single-key locks of the write path.
-- $1 namespace integer, $2 job_key integer
SELECT pg_try_advisory_xact_lock($1::integer, $2::integer) AS locked, now() AS started_at
