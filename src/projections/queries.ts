// Typed wrappers over sql/queries/projections/*.sql.
import { run, type Queryable, type Tx } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import type { CategorySample, DailySummary, NumericPartial, SummaryCell } from '../domain/summaries/daily-summary.ts';
import type { Checkpoint } from '../domain/summaries/projection-checkpoint.ts';

const LOCK_CHECKPOINTS = statement('projections/lock_checkpoints');
const SAVE_CHECKPOINTS = statement('projections/save_checkpoints');
const COUNT_LIVE_EVENTS = statement('projections/count_live_events');
const GET_FRESHNESS = statement('projections/get_freshness');
const AGGREGATE_NUMERIC_CELLS = statement('projections/aggregate_numeric_cells');
const LIST_CATEGORY_SAMPLES = statement('projections/list_category_samples');
const REPLACE_DAILY_SUMMARIES = statement('projections/replace_daily_summaries');
const LIST_DAILY_SUMMARIES = statement('projections/list_daily_summaries');

/** Creates and locks the user's checkpoints of `projections` for the rest of the transaction, by projection. */
export async function lockCheckpoints(tx: Tx, userId: string, projections: readonly string[]): Promise<Map<string, Checkpoint>> {
  const rows = await run<{ projection: string; projected_seq: string; applied_seqs: string[] }>(tx, LOCK_CHECKPOINTS, [userId, projections]);
  const checkpoints = new Map(rows.map((row) => [row.projection, { projectedSeq: Number(row.projected_seq), appliedSeqs: row.applied_seqs.map(Number) }]));
  for (const projection of projections) if (!checkpoints.has(projection)) throw new Error(`lock_checkpoints returned no row for ${projection}`);
  return checkpoints;
}

/** How many of these outbox events still exist (an erasure deletes a user's: see the SQL). */
export async function countLiveEvents(tx: Tx, eventIds: readonly number[]): Promise<number> {
  const [row] = await run<{ live: number }>(tx, COUNT_LIVE_EVENTS, [eventIds]);
  return row!.live;
}

export async function saveCheckpoints(tx: Tx, userId: string, checkpoints: ReadonlyMap<string, Checkpoint>): Promise<void> {
  const rows = [...checkpoints].map(([projection, c]) => ({ projection, projected_seq: c.projectedSeq, applied_seqs: c.appliedSeqs }));
  await run(tx, SAVE_CHECKPOINTS, [userId, rows]);
}

export interface Freshness {
  watermarkSeq: number;
  projectedSeq: number;
}

export async function getFreshness(db: Queryable, userId: string, projection: string): Promise<Freshness> {
  const [row] = await run<{ watermark_seq: string; projected_seq: string }>(db, GET_FRESHNESS, [userId, projection]);
  return { watermarkSeq: Number(row?.watermark_seq ?? 0), projectedSeq: Number(row?.projected_seq ?? 0) };
}

const cellColumns = (cells: readonly SummaryCell[]) => [cells.map((c) => c.metricCode), cells.map((c) => c.localDate)];

export async function aggregateNumericCells(db: Queryable, userId: string, cells: readonly SummaryCell[]): Promise<NumericPartial[]> {
  const rows = await run<{
    metric_code: string;
    local_date: string;
    source_id: string;
    sample_count: number;
    value_sum: number;
    value_min: number;
    value_max: number;
  }>(db, AGGREGATE_NUMERIC_CELLS, [userId, ...cellColumns(cells)]);
  return rows.map((row) => ({
    metricCode: row.metric_code,
    localDate: row.local_date,
    sourceId: row.source_id,
    count: row.sample_count,
    sum: row.value_sum,
    min: row.value_min,
    max: row.value_max,
  }));
}

export async function listCategorySamples(
  db: Queryable,
  userId: string,
  cells: readonly SummaryCell[],
  lookbackDays: number,
): Promise<CategorySample[]> {
  const rows = await run<{
    metric_code: string;
    source_id: string;
    category_code: string | null;
    start_at: Date;
    end_at: Date;
    timezone_offset_minutes: number;
  }>(db, LIST_CATEGORY_SAMPLES, [userId, ...cellColumns(cells), lookbackDays]);
  return rows.map((row) => ({
    metricCode: row.metric_code,
    sourceId: row.source_id,
    categoryCode: row.category_code,
    startMs: row.start_at.getTime(),
    endMs: row.end_at.getTime(),
    timezoneOffsetMinutes: row.timezone_offset_minutes,
  }));
}

/** Writes the summaries of `cells`; a cell absent from `summaries` loses its row. */
export async function replaceDailySummaries(
  tx: Tx,
  userId: string,
  cells: readonly SummaryCell[],
  summaries: readonly DailySummary[],
): Promise<void> {
  const rows = summaries.map((s) => ({
    metric_code: s.metricCode,
    local_date: s.localDate,
    sample_count: s.count,
    value_sum: s.sum,
    value_min: s.min,
    value_max: s.max,
    value_avg: s.avg,
    unit: s.unit,
    category_seconds: s.categorySeconds,
    by_source: s.bySource,
  }));
  await run(tx, REPLACE_DAILY_SUMMARIES, [userId, ...cellColumns(cells), rows]);
}

export interface StoredDailySummary {
  metricCode: string;
  localDate: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
  unit: string | null;
  categorySeconds: Record<string, number> | null;
  bySource: unknown[];
}

export async function listDailySummaries(
  db: Queryable,
  userId: string,
  metricCodes: readonly string[],
  from: string,
  to: string,
): Promise<StoredDailySummary[]> {
  const rows = await run<{
    metric_code: string;
    local_date: string;
    sample_count: number;
    value_sum: number;
    value_min: number;
    value_max: number;
    value_avg: number;
    unit: string | null;
    category_seconds: Record<string, number> | null;
    by_source: unknown[];
  }>(db, LIST_DAILY_SUMMARIES, [userId, metricCodes, from, to]);
  return rows.map((row) => ({
    metricCode: row.metric_code,
    localDate: row.local_date,
    count: row.sample_count,
    sum: row.value_sum,
    min: row.value_min,
    max: row.value_max,
    avg: row.value_avg,
    unit: row.unit,
    categorySeconds: row.category_seconds,
    bySource: row.by_source,
  }));
}
