-- Fragment: the columns of an import row as the service reads them (get, list, claim); needs
-- the row aliased i.
i.id, i.user_id, i.format, i.status, i.params, i.bytes_total, i.bytes_read, i.records_read,
i.accepted, i.unchanged, i.failed, i.failed_by_code, i.skipped_by_type, i.errors,
i.resume_position, i.watermark_seq, i.slices, i.error_code, i.error_message,
i.created_at, i.started_at, i.finished_at, i.body_sha256
