-- Marks events processed, inside the last projection's apply transaction (so with a single
-- projection the apply and the mark commit together). A late duplicate (another processor
-- re-claimed the event after the lease ran out) finds it processed and changes nothing.
-- $1 ids bigint[]
UPDATE outbox_events
SET status = 'processed', processed_at = now()
WHERE id = ANY($1::bigint[]) AND status = 'pending'
