-- Second statement of every apply transaction, right behind lock_checkpoints (so its snapshot is
-- taken once the checkpoint lock is granted): how many of the events being applied still exist.
-- Fewer than given = the user's data is being erased (erasure/erase_outbox_events deleted them):
-- the apply rolls back and writes nothing, so an old event applied late can neither bring back a
-- summary, a checkpoint or a delivery after the erasure, nor mix its seq into the user's new
-- series. An apply that got its checkpoint lock before that is waited for by the erasure, which
-- deletes the checkpoints (FOR UPDATE) before the summaries and deliveries it could have written.
-- $1 event_ids bigint[]
SELECT count(*)::int AS live FROM outbox_events WHERE id = ANY($1::bigint[])
