-- Serializes migrators of every replica for the rest of the transaction.
-- The key is a fixed constant: 'health-ingest:migrations'.
SELECT pg_advisory_xact_lock(7320457210413285001)
