-- Ends an upload: the file is stored whole; the import is queued. Taking the idempotency key
-- here (not at the start) means a key is only ever held by a complete upload; two uploads
-- racing with one key: the second update violates imports_idempotency_key (23505) and the
-- caller answers from the winner. No row: the upload row is gone (erased meanwhile).
-- $1 id uuid, $2 bytes_total bigint, $3 body_sha256 text, $4 idempotency_key uuid (null: none)
UPDATE imports i
SET status = 'queued', bytes_total = $2::bigint, body_sha256 = $3, idempotency_key = $4::uuid, updated_at = now()
WHERE i.id = $1::uuid AND i.status = 'receiving'
RETURNING
-- @include imports/_import_row
