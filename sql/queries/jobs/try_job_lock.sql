-- Opens a job's tick: in the guard transaction, tries the job's advisory lock (transaction-scoped,
-- so it can never leak through the pool: commit or rollback releases it) and lets the guard sit
-- idle for as long as the job may run, instead of the pool's short idle-in-transaction timeout.
-- Returns the database clock too, so every replica stamps runs with the same clock.
-- Two-key form (namespace, job): a keyspace apart from the single-key locks of the write path.
-- $1 namespace integer, $2 job_key integer, $3 idle_in_transaction_session_timeout text (e.g. '600000')
SELECT set_config('idle_in_transaction_session_timeout', $3::text, true) AS idle_timeout,
       pg_try_advisory_xact_lock($1::integer, $2::integer) AS locked,
       now() AS started_at
