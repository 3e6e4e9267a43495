-- POST /admin/webhooks/{id}/rotate-secret: the new secret signs from now on; the current one
-- becomes the previous secret and keeps signing beside it (both signatures sent) until $3.
-- $1 id uuid, $2 secret_sealed bytea (the new one), $3 previous_secret_until timestamptz
-- Returns the endpoint row; no row when there is none.
UPDATE webhook_endpoints
SET previous_secret_sealed = secret_sealed,
    previous_secret_until = $3::timestamptz,
    secret_sealed = $2::bytea,
    updated_at = now()
WHERE id = $1::uuid
RETURNING id, url, description, event_types, disabled, disabled_reason, disabled_at, failing_since,
          previous_secret_until, created_at, updated_at
