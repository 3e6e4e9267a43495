-- The erasure fence (migration 0010), in every write transaction right after the claim took the
-- user's lock: true when this write must not land, because an erasure of the user is running or
-- started at or after the write was received (CONTRACT §10). Its own statement, so its snapshot
-- is taken after the lock was granted and sees an erasure that started while the write waited.
-- $1 user_id uuid, $2 received_at timestamptz
SELECT EXISTS (
  SELECT 1 FROM user_erasures e
  WHERE e.user_id = $1::uuid AND (e.status = 'running' OR e.started_at >= $2::timestamptz)
) AS fenced
