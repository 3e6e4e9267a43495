-- First statement of every apply transaction: creates the (user, projection) checkpoint if
-- missing and locks it (the upsert takes the row lock), so applies of one user's events to one
-- projection serialize; statements after it see every apply committed before it.
-- Returns the checkpoint as it stands under the lock.
-- $1 user_id uuid, $2 projection text
INSERT INTO projection_checkpoints AS c (user_id, projection)
VALUES ($1::uuid, $2::text)
ON CONFLICT (user_id, projection) DO UPDATE SET updated_at = now()
RETURNING c.projected_seq, c.applied_seqs
