-- Fragment (included by upsert_samples and upsert_staged_samples): which staged or unnested row
-- `i` of user g.user_id may be written, and how a conflicting row is updated (CONTRACT §4.4).
-- Tombstone rule: a sample that a delete ref received at or after this write matches is not
-- written (migration 0006); the guard g.tombstoned (the user's latest delete receipt, from the
-- watermark row) spares a write received after every delete the per-row probe.
-- Conflict rule: the write received later wins; where both the row and the write carry a source
-- version, the higher version wins instead. A write that changes nothing is skipped (no WAL, no
-- outbox, no watermark bump). Writing a soft-deleted key revives it.
-- Needs in scope: g (user_id, received_at, tombstoned), i (source_id, source_record_id,
-- metric_code, start_at) and the insert's target alias s.
WHERE NOT g.tombstoned
   OR NOT EXISTS (SELECT 1 FROM health_sample_tombstones t
                  WHERE t.user_id = g.user_id AND t.source_record_id = i.source_record_id
                    AND t.received_at >= g.received_at
                    AND (t.source_id IS NULL OR t.source_id = i.source_id)
                    AND (t.metric_code IS NULL OR t.metric_code = i.metric_code)
                    AND (t.start_at IS NULL OR t.start_at = i.start_at))
ON CONFLICT (user_id, source_record_id, source_id, start_at, metric_code) DO UPDATE
SET end_at = excluded.end_at, value_kind = excluded.value_kind,
    value = excluded.value, unit = excluded.unit, category_code = excluded.category_code,
    duration_seconds = excluded.duration_seconds,
    timezone_offset_minutes = excluded.timezone_offset_minutes,
    timezone_source = excluded.timezone_source, local_date = excluded.local_date,
    metadata = excluded.metadata, source_version = excluded.source_version,
    received_at = greatest(s.received_at, excluded.received_at),
    changed_seq = excluded.changed_seq, deleted_at = NULL,
    previous_span = CASE
      WHEN s.deleted_at IS NULL
           AND (s.end_at, s.timezone_offset_minutes) IS DISTINCT FROM (excluded.end_at, excluded.timezone_offset_minutes)
        THEN jsonb_build_array(s.metric_code, s.start_at, s.end_at, s.timezone_offset_minutes)
    END
WHERE (CASE
         WHEN s.deleted_at IS NULL AND s.source_version IS NOT NULL
              AND excluded.source_version IS NOT NULL AND s.source_version <> excluded.source_version
           THEN excluded.source_version > s.source_version
         ELSE excluded.received_at >= s.received_at
       END)
  AND (s.deleted_at IS NOT NULL
       OR (s.end_at, s.value_kind, s.value, s.unit, s.category_code,
           s.duration_seconds, s.timezone_offset_minutes, s.timezone_source, s.local_date,
           s.metadata, s.source_version)
          IS DISTINCT FROM
          (excluded.end_at, excluded.value_kind, excluded.value,
           excluded.unit, excluded.category_code, excluded.duration_seconds,
           excluded.timezone_offset_minutes, excluded.timezone_source, excluded.local_date,
           excluded.metadata, excluded.source_version))
