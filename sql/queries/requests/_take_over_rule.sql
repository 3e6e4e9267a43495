-- Fragment (both claims, in ON CONFLICT … DO UPDATE): an existing request is taken over only with
-- the same payload hash, and only when it failed or its worker stopped heart-beating more than
-- $6 seconds ago; otherwise the claim returns no row and the caller answers from its state.
-- $6 stale_after_seconds integer
WHERE r.payload_hash = excluded.payload_hash
  AND (r.status = 'failed'
       OR (r.status = 'processing' AND r.heartbeat_at < now() - make_interval(secs => $6::integer)))
