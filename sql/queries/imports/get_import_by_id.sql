-- An import by id alone (the worker and the CLI, which hold the id from the job or the upload).
-- $1 id uuid
SELECT
-- @include imports/_import_row
FROM imports i
WHERE i.id = $1::uuid
