-- One part of a user's sequence (src/ingest/write-group.ts writeSequence), right behind its
-- upsert and deletes: when they changed a row — a row of one of the part's record ids now carries
-- the seq they were written with, the watermark + 1 — bumps the user's watermark to it, so the
-- next part's statements, sent right behind, write with the next seq without waiting for this
-- process to read the answers (its completion, requests/complete_sequence_part, follows later in
-- the same transaction). Only this part can have written that seq: unchanged rows keep theirs.
-- The first changed row found ends the search (a fresh part: one probe); an unchanged part probes
-- each record id once, on the primary key (user_id, source_record_id, …), never the user's history.
-- Caller holds the user's advisory lock. Returns the watermark's new seq; no row = nothing changed.
-- $1 user_id uuid, $2 source_record_id text[] (the part's rows and delete refs)
WITH next_seq AS (
  SELECT coalesce(max(w.seq), 0) + 1 AS seq FROM user_health_watermarks w WHERE w.user_id = $1::uuid
)
INSERT INTO user_health_watermarks AS w (user_id, seq)
SELECT $1::uuid, n.seq
FROM next_seq n
WHERE EXISTS (
  SELECT 1
  FROM unnest($2::text[]) AS k(source_record_id)
  CROSS JOIN LATERAL (
    SELECT 1 FROM health_samples s
    WHERE s.user_id = $1::uuid AND s.source_record_id = k.source_record_id AND s.changed_seq = n.seq
    LIMIT 1
  ) AS changed
)
ON CONFLICT (user_id) DO UPDATE SET seq = excluded.seq, updated_at = now()
RETURNING w.seq
