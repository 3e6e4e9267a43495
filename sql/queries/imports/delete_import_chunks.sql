-- Frees a finished import's stored file, a bounded batch at a time (the caller repeats until it
-- returns fewer than $2). Returns the chunks deleted.
-- $1 import_id uuid, $2 max_rows integer
WITH doomed AS (
  SELECT import_id, seq FROM import_chunks WHERE import_id = $1::uuid ORDER BY seq LIMIT $2::integer
)
DELETE FROM import_chunks c USING doomed d WHERE c.import_id = d.import_id AND c.seq = d.seq
