-- One webhook endpoint without its secrets; no row when there is none.
-- $1 id uuid
SELECT id, url, description, event_types, disabled, disabled_reason, disabled_at, failing_since,
       previous_secret_until, created_at, updated_at
FROM webhook_endpoints
WHERE id = $1::uuid
