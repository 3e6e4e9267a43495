// The two statements that write samples (sql/queries/ingest/): the upsert of a batch's rows as
// typed arrays (unnest) and the deletes with their tombstones, both under the user's write lock;
// and the port through which the write core (write-group.ts) sends a group's rows, implemented
// here by the unnest statement (the inline path) and in staged-upsert.ts by COPY (groups).
import { run, type Queryable, type Tx } from '../db/client.ts';
import { numberArray, textArray, timestamptzArray } from '../db/array-literals.ts';
import { statement } from '../db/sql-files.ts';
import type { NormalizedDeleteRef, NormalizedSample } from '../domain/types.ts';

const UPSERT_SAMPLES = statement('ingest/upsert_samples');
const GENERIC_PLAN_FOR_UPSERT = statement('ingest/generic_plan_for_upsert');
/**
 * Up to this many rows the upsert runs its generic plan (generic_plan_for_upsert.sql): planning
 * costs ~180 µs whatever the size, which is most of a small upload's upsert; from a few hundred
 * rows on the custom plan, which knows the row count, executes a little faster than it costs to
 * make (399 rows: 12.2 µs of backend CPU per sample custom, 12.4-12.7 generic).
 */
const GENERIC_PLAN_MAX_ROWS = 64;
const SOFT_DELETE_SAMPLES = statement('ingest/soft_delete_samples');
const BUMP_WATERMARK_IF_CHANGED = statement('ingest/bump_watermark_if_changed');

/** One user's rows in a group: deduplicated and sorted by key (dedupeSamplesByKey). */
export interface PartRows {
  userId: string;
  receivedAt: Date;
  rows: readonly NormalizedSample[];
}

/** How a group's rows reach health_samples; every user's lock is already taken (or requested). */
export interface SampleRowWriter {
  /**
   * true: for a group of one, the rows may go out right behind the claim, before it answers (one
   * round trip less); a lost claim then rolls the whole transaction back.
   */
  readonly pipelinedWithClaim: boolean;
  /** Writes the parts' rows (at most one part per user); the written rows per user. */
  write(tx: Tx, parts: readonly PartRows[]): Promise<Map<string, WrittenSample[]>>;
}

/** The inline path's writer: the unnest statement, one part (a batch below the queue threshold). */
export const unnestRows: SampleRowWriter = {
  pipelinedWithClaim: true,
  async write(tx, parts) {
    if (parts.length !== 1) throw new Error('the unnest writer takes a group of one');
    const [part] = parts;
    return new Map([[part!.userId, await upsertSamples(tx, part!.userId, part!.receivedAt, part!.rows)]]);
  },
};

/**
 * A group's writer of rows by the same unnest statement, one per part, all sent at once behind
 * the claims (the server runs them in order, one round trip). Cheaper than COPY → staging → one
 * upsert (staged-upsert.ts) now that the parameters are built as literals (array-literals.ts):
 * bench/queue-throughput.ts, 1M samples, PostgreSQL backend CPU per sample 13.7 µs with it vs
 * 17.7 µs with COPY, the worker's 13.9 vs 14.6 µs.
 */
export const unnestRowsPerPart: SampleRowWriter = {
  pipelinedWithClaim: false,
  async write(tx, parts) {
    const written = await Promise.all(parts.map((part) => upsertSamples(tx, part.userId, part.receivedAt, part.rows)));
    return new Map(parts.map((part, i) => [part.userId, written[i]!]));
  },
};

export interface WrittenSample {
  sourceId: string;
  sourceRecordId: string;
  metricCode: string;
  startAtMs: number;
  changedSeq: number;
  /** where the write moved a live row from, when it moved it */
  previousSpan: { metricCode: string; startAtMs: number; endAtMs: number; timezoneOffsetMinutes: number } | null;
}

/** What upsert_samples and upsert_staged_samples return per written row. */
export interface WrittenSampleRow {
  source_id: string;
  source_record_id: string;
  metric_code: string;
  start_at: Date;
  changed_seq: string;
  previous_span: [string, string, string, number] | null;
}

export function toWrittenSample(row: WrittenSampleRow): WrittenSample {
  const span = row.previous_span;
  return {
    sourceId: row.source_id,
    sourceRecordId: row.source_record_id,
    metricCode: row.metric_code,
    startAtMs: row.start_at.getTime(),
    changedSeq: Number(row.changed_seq),
    previousSpan:
      span === null
        ? null
        : { metricCode: span[0], startAtMs: Date.parse(span[1]), endAtMs: Date.parse(span[2]), timezoneOffsetMinutes: span[3] },
  };
}

/** The upsert's per-column parameters $3..$15, each an array literal of one column of the rows. */
export function sampleColumnLiterals(rows: readonly NormalizedSample[]): string[] {
  return [
    textArray(rows.map((row) => row.sourceId)),
    textArray(rows.map((row) => row.sourceRecordId)),
    timestamptzArray(rows.map((row) => row.startAtMs)),
    timestamptzArray(rows.map((row) => row.endAtMs)),
    textArray(rows.map((row) => row.metricCode)),
    textArray(rows.map((row) => row.valueKind)),
    numberArray(rows.map((row) => row.value)),
    textArray(rows.map((row) => row.unit)),
    textArray(rows.map((row) => row.categoryCode)),
    numberArray(rows.map((row) => row.durationSeconds)),
    numberArray(rows.map((row) => row.timezoneOffsetMinutes)),
    textArray(rows.map((row) => row.timezoneSource)),
    textArray(rows.map((row) => row.localDate)),
  ];
}

/**
 * Upserts deduplicated rows of one user; returns only the rows that changed. The columns go as
 * array literals built here (array-literals.ts), not through postgres.js's array serializer.
 */
export async function upsertSamples(
  tx: Tx,
  userId: string,
  receivedAt: Date,
  rows: readonly NormalizedSample[],
): Promise<WrittenSample[]> {
  // pipelined: both go out before the first answer
  const planned = rows.length <= GENERIC_PLAN_MAX_ROWS ? run(tx, GENERIC_PLAN_FOR_UPSERT) : Promise.resolve([]);
  planned.catch(() => {});
  const written = await run<WrittenSampleRow>(tx, UPSERT_SAMPLES, [
    userId,
    receivedAt,
    ...sampleColumnLiterals(rows),
    // one jsonb array, serialized by postgres.js (JSON.stringify); upsert_samples indexes it by row
    rows.map((row) => row.metadata),
    numberArray(rows.map((row) => row.sourceVersion)),
  ]);
  await planned;
  return written.map(toWrittenSample);
}

export interface DeletedSample {
  metricCode: string;
  startAt: Date;
  endAt: Date;
  timezoneOffsetMinutes: number;
  changedSeq: number;
}

/** Soft-deletes what the refs match and leaves a tombstone per ref (soft_delete_samples.sql). */
export async function softDeleteSamples(
  db: Queryable,
  userId: string,
  receivedAt: Date,
  refs: readonly NormalizedDeleteRef[],
): Promise<DeletedSample[]> {
  const rows = await run<{
    metric_code: string;
    start_at: Date;
    end_at: Date;
    timezone_offset_minutes: number;
    changed_seq: string;
  }>(db, SOFT_DELETE_SAMPLES, [
    userId,
    receivedAt,
    refs.map((ref) => ref.sourceRecordId),
    refs.map((ref) => ref.sourceId),
    refs.map((ref) => (ref.startAtMs === null ? null : new Date(ref.startAtMs).toISOString())),
    // ?? null: jobs queued before delete refs carried a metric decode without the field
    refs.map((ref) => ref.metricCode ?? null),
  ]);
  return rows.map((row) => ({
    metricCode: row.metric_code,
    startAt: row.start_at,
    endAt: row.end_at,
    timezoneOffsetMinutes: row.timezone_offset_minutes,
    changedSeq: Number(row.changed_seq),
  }));
}

/**
 * Bumps the user's watermark when the statements before it changed a row of these record ids
 * (a sequence part's rows and delete refs; see bump_watermark_if_changed.sql): the new seq, or
 * null when nothing changed.
 */
export async function bumpWatermarkIfChanged(tx: Tx, userId: string, sourceRecordIds: readonly string[]): Promise<number | null> {
  const [row] = await run<{ seq: string }>(tx, BUMP_WATERMARK_IF_CHANGED, [userId, sourceRecordIds]);
  return row ? Number(row.seq) : null;
}
