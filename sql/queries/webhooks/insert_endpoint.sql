-- Registers a webhook endpoint (POST /admin/webhooks). The id and the sealed secret come from the
-- caller (the secret is sealed with the id as associated data, so the id exists first).
-- $1 id uuid, $2 url text, $3 description text, $4 event_types text[], $5 secret_sealed bytea
-- Returns the endpoint row.
INSERT INTO webhook_endpoints (id, url, description, event_types, secret_sealed)
VALUES ($1::uuid, $2::text, $3::text, $4::text[], $5::bytea)
RETURNING id, url, description, event_types, disabled, disabled_reason, disabled_at, failing_since,
          previous_secret_until, created_at, updated_at
