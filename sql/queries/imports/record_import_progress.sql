-- The completion of one group of an import (write core): when the group changed samples, bumps
-- the user's watermark to their seq and appends the group's outbox event (_record_change); always
-- stores the import's progress as of the group's last item, so a resumed slice starts exactly
-- there. Counters are absolute (the lease holder is the only writer). Extends the lease.
-- The write core wakes the outbox after the commit (src/outbox/wake-up.ts).
-- Returns watermark_seq (null when nothing changed).
-- $1 user_id uuid, $2 id uuid, $3 changed boolean, $4 event_type text, $5 event_payload jsonb,
-- $6 resume_position bigint, $7 bytes_read bigint, $8 records_read bigint, $9 accepted bigint,
-- $10 unchanged bigint, $11 failed bigint, $12 failed_by_code jsonb, $13 skipped_by_type jsonb,
-- $14 errors jsonb, $15 lease_ms integer
WITH
-- @include ingest/_record_change
UPDATE imports i
SET resume_position = $6::bigint, bytes_read = greatest(i.bytes_read, $7::bigint), records_read = $8::bigint,
    accepted = $9::bigint, unchanged = $10::bigint, failed = $11::bigint,
    failed_by_code = $12::jsonb, skipped_by_type = $13::jsonb, errors = $14::jsonb,
    watermark_seq = coalesce((SELECT seq FROM bumped), i.watermark_seq),
    lease_expires_at = now() + make_interval(secs => $15::integer / 1000.0), heartbeat_at = now(), updated_at = now()
WHERE i.user_id = $1::uuid AND i.id = $2::uuid
RETURNING (SELECT seq FROM bumped) AS watermark_seq
