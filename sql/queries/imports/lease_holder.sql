-- Why a claim failed: the import's state and, while someone holds it, when the lease ends.
-- $1 id uuid
SELECT status, lease_owner, lease_expires_at FROM imports WHERE id = $1::uuid
