-- A user's privacy settings; no row means the defaults (sync on, nothing blocked).
-- $1 user_id uuid
SELECT sync_enabled, blocked_metrics
FROM health_privacy_settings
WHERE user_id = $1::uuid
