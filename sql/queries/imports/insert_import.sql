-- Starts an upload: a row in 'receiving' (not listed) that its chunks reference.
-- $1 id uuid, $2 user_id uuid, $3 format text, $4 params jsonb
INSERT INTO imports (id, user_id, format, params)
VALUES ($1::uuid, $2::uuid, $3, $4::jsonb)
