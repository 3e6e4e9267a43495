-- Stores a checkpoint computed from the one lock_checkpoint returned, in the same transaction.
-- $1 user_id uuid, $2 projection text, $3 projected_seq bigint, $4 applied_seqs bigint[]
UPDATE projection_checkpoints
SET projected_seq = $3::bigint, applied_seqs = $4::bigint[], updated_at = now()
WHERE user_id = $1::uuid AND projection = $2::text
