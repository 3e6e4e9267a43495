-- Stores one piece of an upload (seq from 0, in order).
-- $1 import_id uuid, $2 seq integer, $3 bytes bytea
INSERT INTO import_chunks (import_id, seq, bytes) VALUES ($1::uuid, $2::integer, $3::bytea)
