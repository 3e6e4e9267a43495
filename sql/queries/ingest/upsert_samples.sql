-- Upserts a deduplicated batch of normalized samples of one user.
-- Text is independent of the batch size: rows arrive as typed arrays through unnest.
-- Key (CONTRACT §4.4): (user, source record, source, start, metric), metric the canonical code.
-- Tombstone and conflict rules (CONTRACT §4.4): _sample_write_rules, the same text as the
-- worker's upsert_staged_samples.
-- Caller holds the user's advisory lock, so next_seq is the seq this transaction will commit.
-- Returns one row per written sample: its key, the seq, and previous_span when the write moved
-- a live row to another end or offset ([metric, start, end, offset] of where it was), which can
-- move its local dates.
-- $1 user_id uuid, $2 received_at timestamptz,
-- $3 source_id text[], $4 source_record_id text[], $5 start_at timestamptz[], $6 end_at timestamptz[],
-- $7 metric_code text[], $8 value_kind text[], $9 value float8[], $10 unit text[],
-- $11 category_code text[], $12 duration_seconds float8[], $13 timezone_offset_minutes int2[],
-- $14 timezone_source text[], $15 local_date date[], $16 metadata jsonb (an array, row i's at i - 1),
-- $17 source_version int8[]
-- Metadata is one jsonb array rather than a jsonb[]: array_in's unquoting of 399 escaped JSON
-- texts cost PostgreSQL ~0.6 µs and the service ~1.2 µs per sample more (bench/param-encoding.ts).
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
       i.timezone_source, i.local_date, $16::jsonb -> (i.ord::integer - 1), i.source_version, $2::timestamptz, n.seq, NULL, NULL
FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[],
            $9::float8[], $10::text[], $11::text[], $12::float8[], $13::int2[], $14::text[],
            $15::date[], $17::int8[]) WITH ORDINALITY
  AS i(source_id, source_record_id, start_at, end_at, metric_code, value_kind, value, unit,
       category_code, duration_seconds, timezone_offset_minutes, timezone_source, local_date,
       source_version, ord)
CROSS JOIN next_seq n
CROSS JOIN tombstone_guard g
-- @include ingest/_sample_write_rules
RETURNING s.source_id, s.source_record_id, s.metric_code, s.start_at, s.changed_seq, s.previous_span
