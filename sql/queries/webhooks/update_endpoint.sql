-- PATCH /admin/webhooks/{id}: each NULL parameter leaves its column as it is. Disabling by hand
-- records 'manual'; enabling clears the reason and the failure streak (the operator says the
-- endpoint is fixed), and the caller then wakes the endpoint's lanes (wake_endpoint_lanes.sql).
-- $1 id uuid, $2 url text, $3 description text, $4 event_types text[], $5 disabled boolean
-- Returns the endpoint row with `was_disabled` (before the change); no row when there is none.
WITH before AS (
  SELECT id, disabled FROM webhook_endpoints WHERE id = $1::uuid FOR UPDATE
)
UPDATE webhook_endpoints w
SET url = coalesce($2::text, w.url),
    description = coalesce($3::text, w.description),
    event_types = coalesce($4::text[], w.event_types),
    disabled = coalesce($5::boolean, w.disabled),
    disabled_reason = CASE WHEN $5::boolean IS NULL THEN w.disabled_reason
                           WHEN $5::boolean THEN CASE WHEN w.disabled THEN w.disabled_reason ELSE 'manual' END
                           ELSE NULL END,
    disabled_at = CASE WHEN $5::boolean IS NULL THEN w.disabled_at
                       WHEN $5::boolean THEN coalesce(w.disabled_at, now())
                       ELSE NULL END,
    failing_since = CASE WHEN $5::boolean = false THEN NULL ELSE w.failing_since END,
    updated_at = now()
FROM before
WHERE w.id = before.id
RETURNING w.id, w.url, w.description, w.event_types, w.disabled, w.disabled_reason, w.disabled_at,
          w.failing_since, w.previous_secret_until, w.created_at, w.updated_at, before.disabled AS was_disabled
