-- The next stored pieces of an upload, in order.
-- $1 import_id uuid, $2 from_seq integer, $3 limit integer
SELECT seq, bytes FROM import_chunks
WHERE import_id = $1::uuid AND seq >= $2::integer
ORDER BY seq
LIMIT $3::integer
