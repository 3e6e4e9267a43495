-- Sent right before upsert_samples of a small batch (sample-writes.ts), in its transaction:
-- PostgreSQL re-planned that statement for every execution (its custom plans look cheaper than
-- the generic one, so the plan cache never settles), ~180 µs of a 1-sample upload's ~870 µs of
-- backend CPU. Its generic plan is as good (an unnest of the parameters, the tombstone probe per
-- row: test/integration/db/generic-plans.test.ts), and so are those of the statements after it in
-- the transaction (soft_delete_samples, requests/complete_request). LOCAL: gone at commit or
-- rollback, so no pooled connection keeps it.
SET LOCAL plan_cache_mode = force_generic_plan
