-- Stores the checkpoints computed from the ones lock_checkpoints returned, in the same
-- transaction (only those that moved).
-- $1 user_id uuid, $2 checkpoints jsonb: [{"projection", "projected_seq", "applied_seqs": [seq, …]}]
UPDATE projection_checkpoints c
SET projected_seq = n.projected_seq,
    applied_seqs = ARRAY(SELECT jsonb_array_elements_text(n.applied_seqs)::bigint),
    updated_at = now()
FROM jsonb_to_recordset($2::jsonb) AS n(projection text, projected_seq bigint, applied_seqs jsonb)
WHERE c.user_id = $1::uuid AND c.projection = n.projection
