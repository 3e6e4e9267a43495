-- Starts an erasure of the user, or finds the one already running (one per user: the partial
-- unique index). Second statement of the start transaction, after erasure/lock_user, so it sees
-- an erasure another request started while this one waited for the lock.
-- Returns the running erasure, and created = true when this statement started it.
-- $1 user_id uuid, $2 erasure_id uuid, $3 requested_by text, $4 started_at timestamptz
WITH inserted AS (
  INSERT INTO user_erasures (id, user_id, requested_by, started_at)
  VALUES ($2::uuid, $1::uuid, $3, $4::timestamptz)
  ON CONFLICT (user_id) WHERE status = 'running' DO NOTHING
  RETURNING id, status, requested_by, started_at, finished_at, deleted
)
SELECT id, status, requested_by, started_at, finished_at, deleted, true AS created FROM inserted
UNION ALL
SELECT id, status, requested_by, started_at, finished_at, deleted, false AS created
FROM user_erasures
WHERE user_id = $1::uuid AND status = 'running' AND NOT EXISTS (SELECT 1 FROM inserted)
