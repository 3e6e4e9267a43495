-- Records failed attempts: back to pending, due after a delay (backoff), or dead after the last
-- attempt. Only the latest claim may record its failure (attempts still equal to what it
-- claimed); an event processed meanwhile by another processor stays processed.
-- $1 ids bigint[], $2 attempts integer[] (as claimed), $3 status text[] ('pending' | 'dead'),
-- $4 retry_after_ms integer[] (ignored when dead), $5 error text[]
UPDATE outbox_events e
SET status = f.status,
    available_at = CASE WHEN f.status = 'dead' THEN e.available_at
                        ELSE now() + make_interval(secs => f.retry_after_ms / 1000.0) END,
    last_error = f.error
FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::integer[], $5::text[])
  AS f(id, attempts, status, retry_after_ms, error)
WHERE e.id = f.id AND e.status = 'pending' AND e.attempts = f.attempts
