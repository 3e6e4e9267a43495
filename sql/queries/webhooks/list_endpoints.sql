-- Every webhook endpoint, oldest first (GET /admin/webhooks; operators register a handful).
-- Returns the endpoint rows, without secrets.
SELECT id, url, description, event_types, disabled, disabled_reason, disabled_at, failing_since,
       previous_secret_until, created_at, updated_at
FROM webhook_endpoints
ORDER BY created_at, id
