-- First statement of every apply transaction: creates the user's checkpoints of the given
-- projections if missing and locks them (the upsert takes the row locks) in name order, the
-- order an erasure takes them (erasure/erase_projection_checkpoints), so two transactions never
-- wait on each other's second lock; applies of one user's events serialize, and statements after
-- this one see every apply committed before it.
-- Returns each checkpoint as it stands under the lock.
-- $1 user_id uuid, $2 projections text[]
INSERT INTO projection_checkpoints AS c (user_id, projection)
SELECT $1::uuid, p.projection
FROM (SELECT DISTINCT unnest($2::text[]) AS projection) AS p
ORDER BY p.projection
ON CONFLICT (user_id, projection) DO UPDATE SET updated_at = now()
RETURNING c.projection, c.projected_seq, c.applied_seqs
