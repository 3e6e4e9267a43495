-- Wakes the delivery workers (LISTEN health_webhooks) at commit: lanes were made ready by an
-- operator (enable, replay) rather than by the sink, which notifies by itself.
SELECT pg_notify('health_webhooks', '') AS notified
