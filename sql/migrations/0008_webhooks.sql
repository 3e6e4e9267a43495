-- 0008_webhooks: signed webhooks delivered from the outbox (CONTRACT §11).
-- Forward-only: never edit this file once landed; add a later number instead.

-- An endpoint an operator registered (POST /admin/webhooks). Secrets are sealed with AES-256-GCM
-- under WEBHOOK_SECRET_KEY (nonce ‖ ciphertext ‖ tag, the endpoint id as associated data), so a
-- dump of this table does not give them away. During a rotation's overlap window the previous
-- secret signs too (previous_secret_sealed until previous_secret_until).
-- failing_since: the first failed attempt after the last successful one (NULL when the last
-- attempt succeeded); an endpoint failing for 5 days is disabled with disabled_reason 'failing'.
CREATE TABLE webhook_endpoints (
  id                     uuid PRIMARY KEY,
  url                    text NOT NULL,
  description            text NOT NULL DEFAULT '',
  event_types            text[] NOT NULL CHECK (cardinality(event_types) > 0),
  secret_sealed          bytea NOT NULL,
  previous_secret_sealed bytea,
  previous_secret_until  timestamptz,
  disabled               boolean NOT NULL DEFAULT false,
  disabled_reason        text CHECK (disabled_reason IN ('manual', 'failing')),
  disabled_at            timestamptz,
  failing_since          timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- One message to one endpoint: recorded by the webhook sink in the outbox transaction that
-- applies the event (unique per endpoint and outbox event, so a re-applied event adds nothing).
-- The body is fixed at recording time (type, timestamp, data), so every retry and replay sends
-- the same bytes under the same webhook-id. Test messages (POST /admin/webhooks/{id}/test) have
-- no outbox event; their lane is the nil user.
-- status: pending → delivered | failed (retries exhausted); a replay puts any of them back to
-- pending with attempts 0.
CREATE TABLE webhook_deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id     uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id        bigint,
  message_id      text NOT NULL,
  user_id         uuid NOT NULL,
  seq             bigint NOT NULL,
  event_type      text NOT NULL,
  event_at        timestamptz NOT NULL,
  data            jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_deliveries_once UNIQUE (endpoint_id, event_id)
);
-- the head of a lane: its earliest pending delivery in (seq, id) order
CREATE INDEX webhook_deliveries_lane ON webhook_deliveries (endpoint_id, user_id, seq, id) WHERE status = 'pending';
-- GET /admin/webhooks/{id}/deliveries (newest first) and replay since
CREATE INDEX webhook_deliveries_of_endpoint ON webhook_deliveries (endpoint_id, id);
-- /metrics: the oldest undelivered event and the backlog per endpoint
CREATE INDEX webhook_deliveries_undelivered ON webhook_deliveries (endpoint_id, event_at) WHERE status = 'pending';
-- retention, and an erasure's forgetting of a user
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (updated_at) WHERE status <> 'pending';
CREATE INDEX webhook_deliveries_of_user ON webhook_deliveries (user_id);

-- Every attempt to send a delivery: when, how long, the status code or the error. Bounded by the
-- retention job (and by the delivery's own lifetime: deleted with it).
CREATE TABLE webhook_attempts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id  bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempted_at timestamptz NOT NULL,
  duration_ms  integer NOT NULL,
  status_code  integer,
  error        text
);
CREATE INDEX webhook_attempts_of_delivery ON webhook_attempts (delivery_id, id);
CREATE INDEX webhook_attempts_time ON webhook_attempts (attempted_at);

-- A lane is one (endpoint, user): its deliveries go out one at a time, in seq order, so a user's
-- events reach an endpoint in order while other lanes go on (no head-of-line blocking across
-- users or endpoints). ready_at: when the lane's head may be attempted (NULL: nothing pending);
-- leased_until: a delivery worker is sending the head (claimed with FOR UPDATE SKIP LOCKED; a
-- worker that dies leaves the lease to run out, and the head is sent again: at least once).
-- version: bumped by whoever adds pending deliveries to the lane (after the insert, in the same
-- transaction); a worker finishing an attempt that finds no next head leaves the lane ready if
-- the version moved since its claim (a delivery it could not see yet), so none is left behind.
CREATE TABLE webhook_lanes (
  endpoint_id  uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  user_id      uuid NOT NULL,
  ready_at     timestamptz,
  leased_until timestamptz,
  version      bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (endpoint_id, user_id)
);
CREATE INDEX webhook_lanes_ready ON webhook_lanes (ready_at) WHERE ready_at IS NOT NULL;
