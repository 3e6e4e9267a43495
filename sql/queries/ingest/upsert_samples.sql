-- Upserts a deduplicated batch of normalized samples of one user.
-- Text is independent of the batch size: rows arrive as typed arrays through unnest.
-- Key (CONTRACT §4.4): (user, source record, source, start, metric), metric the canonical code.
-- Conflict rule (CONTRACT §4.4): the write received later wins; where both the row and the write
-- carry a source version, the higher version wins instead. A write that changes nothing is
-- skipped (no WAL, no outbox, no watermark bump). Writing a soft-deleted key revives it.
-- Tombstone rule (same text in queue/upsert_staged_samples): a sample that a delete ref received at
-- or after this write matches is not written (CONTRACT §4.4, migration 0006). The guard reads the
-- user's latest delete receipt from the watermark row: a write received after it (the common case)
-- pays no per-row probe.
-- Caller holds the user's advisory lock, so next_seq is the seq this transaction will commit.
-- Returns one row per written sample: its key, the seq, and previous_span when the write moved
-- a live row to another end or offset ([metric, start, end, offset] of where it was), which can
-- move its local dates.
-- $1 user_id uuid, $2 received_at timestamptz,
-- $3 source_id text[], $4 source_record_id text[], $5 start_at timestamptz[], $6 end_at timestamptz[],
-- $7 metric_code text[], $8 value_kind text[], $9 value float8[], $10 unit text[],
-- $11 category_code text[], $12 duration_seconds float8[], $13 timezone_offset_minutes int2[],
-- $14 timezone_source text[], $15 local_date date[], $16 metadata jsonb[], $17 source_version int8[]
WITH next_seq AS (
  SELECT coalesce(max(w.seq), 0) + 1 AS seq FROM user_health_watermarks w WHERE w.user_id = $1::uuid
),
tombstone_guard AS (
  SELECT $1::uuid AS user_id, $2::timestamptz AS received_at,
         coalesce((SELECT w.last_delete_received_at >= $2::timestamptz
                   FROM user_health_watermarks w WHERE w.user_id = $1::uuid), false) AS tombstoned
)
INSERT INTO health_samples AS s
  (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
   category_code, duration_seconds, timezone_offset_minutes, timezone_source, local_date, metadata,
   source_version, received_at, changed_seq, deleted_at, previous_span)
SELECT $1::uuid, i.source_id, i.source_record_id, i.start_at, i.end_at, i.metric_code, i.value_kind,
       i.value, i.unit, i.category_code, i.duration_seconds, i.timezone_offset_minutes,
       i.timezone_source, i.local_date, i.metadata, i.source_version, $2::timestamptz, n.seq, NULL, NULL
FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[],
            $9::float8[], $10::text[], $11::text[], $12::float8[], $13::int2[], $14::text[],
            $15::date[], $16::jsonb[], $17::int8[])
  AS i(source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
       category_code, duration_seconds, timezone_offset_minutes, timezone_source, local_date,
       metadata, source_version)
CROSS JOIN next_seq n
CROSS JOIN tombstone_guard g
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
RETURNING s.source_id, s.source_record_id, s.metric_code, s.start_at, s.changed_seq, s.previous_span
