-- Replaces a user's privacy settings (the next upload reads them; nothing is cached).
-- $1 user_id uuid, $2 sync_enabled boolean, $3 blocked_metrics text[] (canonical codes)
INSERT INTO health_privacy_settings (user_id, sync_enabled, blocked_metrics, updated_at)
VALUES ($1::uuid, $2, $3::text[], now())
ON CONFLICT (user_id) DO UPDATE
SET sync_enabled = excluded.sync_enabled, blocked_metrics = excluded.blocked_metrics, updated_at = now()
RETURNING sync_enabled, blocked_metrics
