// Daily summaries, the math. Per (metric, local date) "cell", with the same numbers per source
// (a phone and a watch both counting steps double count in the total; the per-source rows let a
// client pick one). What a cell holds follows from the metric's kind (summaryStyleOf), never
// from a list of metrics:
// - values (CUMULATIVE_NUM, SCALAR_NUM, INTERVAL_NUM without categories): count/sum/min/max/avg
//   of the values in the metric's canonical unit, each sample in the local date of its start.
//   For a cumulative metric (steps, energy) `sum` is the day's total; for a discrete one (heart
//   rate, weight) min/max/avg and count are the numbers, `sum` only their plain sum.
// - seconds (CATEGORY, and INTERVAL_NUM whose catalog entry lists categories: a workout and its
//   activity): each interval is split across local dates at local midnight of the sample's own
//   offset; count/sum/min/max/avg are seconds of those shares, categorySeconds the seconds per
//   category (sleep stage, workout activity).
//
// Every cell is recomputed from all the live samples that fall in it, never incremented, so
// applying an event twice, late, or out of order gives the same rows.
import type { SamplesChangedPayload } from '../ingest/change-event.ts';
import { formatLocalDay, localDayOf, localMidnight, parseLocalDay } from '../time/local-days.ts';
import type { ValueKind } from '../types.ts';

export type SummaryStyle = 'values' | 'seconds';

/** How a metric is summarized per day, from its kind (and, for INTERVAL_NUM, whether it takes categories). */
export function summaryStyleOf(metric: { readonly kind: ValueKind; readonly categories: readonly string[] | null }): SummaryStyle {
  if (metric.kind === 'CATEGORY') return 'seconds';
  return metric.kind === 'INTERVAL_NUM' && metric.categories !== null ? 'seconds' : 'values';
}

/**
 * How many local dates before a cell an interval summarized in seconds (a sleep stage, a
 * workout) may start and still be counted in it:
 * an interval contributes to its start date and the CATEGORY_LOOKBACK_DAYS dates after it, no
 * more (the recompute reads back that far through health_samples_by_local_date). Longer
 * intervals are not sleep stages; their time past the bound is left out.
 */
export const CATEGORY_LOOKBACK_DAYS = 2;

export interface SummaryCell {
  metricCode: string;
  localDate: string;
}

export const cellKey = (metricCode: string, localDate: string) => `${metricCode}\u0000${localDate}`;

export interface DayShare {
  localDate: string;
  /** milliseconds of the interval that fall in this local date */
  ms: number;
}

/**
 * The parts of [startMs, endMs) in each local date at the given offset, first date first, at
 * most `maxDays` dates. Dates are those of affectedLocalDates: an interval ending exactly at
 * local midnight does not reach the next date; an empty interval is a zero share of its date.
 */
export function splitAcrossLocalDays(
  startMs: number,
  endMs: number,
  offsetMinutes: number,
  maxDays = CATEGORY_LOOKBACK_DAYS + 1,
): DayShare[] {
  const first = localDayOf(startMs, offsetMinutes);
  if (!(endMs > startMs)) return [{ localDate: formatLocalDay(first), ms: 0 }];
  const last = Math.min(localDayOf(endMs - 1, offsetMinutes), first + maxDays - 1);
  const shares: DayShare[] = [];
  for (let day = first; day <= last; day++) {
    const from = Math.max(startMs, localMidnight(day, offsetMinutes));
    const to = Math.min(endMs, localMidnight(day + 1, offsetMinutes));
    shares.push({ localDate: formatLocalDay(day), ms: to - from });
  }
  return shares;
}

export interface SummaryStats {
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
}

export interface SourceSummary extends SummaryStats {
  sourceId: string;
  /** metrics summarized in seconds only */
  categorySeconds?: Record<string, number>;
}

export interface DailySummary extends SummaryStats {
  metricCode: string;
  localDate: string;
  unit: string | null;
  /** metrics summarized in seconds only (seconds per category), else null */
  categorySeconds: Record<string, number> | null;
  /** ascending by sourceId */
  bySource: SourceSummary[];
}

/** Aggregates of one source's samples in one numeric cell (what the database sums up). */
export interface NumericPartial {
  metricCode: string;
  localDate: string;
  sourceId: string;
  count: number;
  sum: number;
  min: number;
  max: number;
}

const byCellThenSource = (a: NumericPartial, b: NumericPartial) =>
  compare(a.metricCode, b.metricCode) || compare(a.localDate, b.localDate) || compare(a.sourceId, b.sourceId);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric cells from per-source aggregates; totals add up the sources in sourceId order. */
export function summarizeNumeric(
  partials: readonly NumericPartial[],
  unitOf: (metricCode: string) => string | null,
): DailySummary[] {
  const sorted = [...partials].sort(byCellThenSource);
  const summaries: DailySummary[] = [];
  let current: DailySummary | undefined;
  for (const part of sorted) {
    if (!current || current.metricCode !== part.metricCode || current.localDate !== part.localDate) {
      current = {
        metricCode: part.metricCode,
        localDate: part.localDate,
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        avg: 0,
        unit: unitOf(part.metricCode),
        categorySeconds: null,
        bySource: [],
      };
      summaries.push(current);
    }
    current.bySource.push({ sourceId: part.sourceId, ...stats(part.count, part.sum, part.min, part.max) });
    current.count += part.count;
    current.sum += part.sum;
    current.min = Math.min(current.min, part.min);
    current.max = Math.max(current.max, part.max);
  }
  for (const summary of summaries) summary.avg = summary.sum / summary.count;
  return summaries;
}

function stats(count: number, sum: number, min: number, max: number): SummaryStats {
  return { count, sum, min, max, avg: sum / count };
}

/** A live sample of a metric summarized in seconds (CATEGORY, or a categorized INTERVAL_NUM). */
export interface CategorySample {
  metricCode: string;
  sourceId: string;
  /** null only for an interval sent without one: its time counts in sum, in no category */
  categoryCode: string | null;
  startMs: number;
  endMs: number;
  timezoneOffsetMinutes: number;
}

interface SecondsAccumulator {
  count: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
  categoryMs: Map<string, number>;
}

const emptyAccumulator = (): SecondsAccumulator => ({
  count: 0,
  sumMs: 0,
  minMs: Number.POSITIVE_INFINITY,
  maxMs: Number.NEGATIVE_INFINITY,
  categoryMs: new Map(),
});

function accumulate(into: SecondsAccumulator, categoryCode: string | null, ms: number): void {
  into.count += 1;
  into.sumMs += ms;
  into.minMs = Math.min(into.minMs, ms);
  into.maxMs = Math.max(into.maxMs, ms);
  if (categoryCode !== null) into.categoryMs.set(categoryCode, (into.categoryMs.get(categoryCode) ?? 0) + ms);
}

function secondsStats(acc: SecondsAccumulator): SummaryStats & { categorySeconds: Record<string, number> } {
  const categorySeconds: Record<string, number> = {};
  for (const code of [...acc.categoryMs.keys()].sort()) categorySeconds[code] = acc.categoryMs.get(code)! / 1000;
  return {
    count: acc.count,
    sum: acc.sumMs / 1000,
    min: acc.minMs / 1000,
    max: acc.maxMs / 1000,
    avg: acc.sumMs / acc.count / 1000,
    categorySeconds,
  };
}

/**
 * Cells of metrics summarized in seconds (only those in `cells`, keyed by cellKey) from the samples that may reach them.
 * Per cell: count = samples with a share in the date, sum/min/max/avg = seconds of those shares,
 * categorySeconds = seconds per category. Milliseconds are added as integers, so the result
 * does not depend on the order of the samples.
 */
export function summarizeCategories(
  samples: readonly CategorySample[],
  cells: ReadonlySet<string>,
  lookbackDays = CATEGORY_LOOKBACK_DAYS,
): DailySummary[] {
  const byCell = new Map<string, { cell: SummaryCell; total: SecondsAccumulator; bySource: Map<string, SecondsAccumulator> }>();
  for (const sample of samples) {
    for (const share of splitAcrossLocalDays(sample.startMs, sample.endMs, sample.timezoneOffsetMinutes, lookbackDays + 1)) {
      const key = cellKey(sample.metricCode, share.localDate);
      if (!cells.has(key)) continue;
      let entry = byCell.get(key);
      if (!entry) {
        entry = { cell: { metricCode: sample.metricCode, localDate: share.localDate }, total: emptyAccumulator(), bySource: new Map() };
        byCell.set(key, entry);
      }
      accumulate(entry.total, sample.categoryCode, share.ms);
      let source = entry.bySource.get(sample.sourceId);
      if (!source) entry.bySource.set(sample.sourceId, (source = emptyAccumulator()));
      accumulate(source, sample.categoryCode, share.ms);
    }
  }
  return [...byCell.values()]
    .sort((a, b) => compare(a.cell.metricCode, b.cell.metricCode) || compare(a.cell.localDate, b.cell.localDate))
    .map(({ cell, total, bySource }) => ({
      ...cell,
      ...secondsStats(total),
      unit: 's',
      bySource: [...bySource.keys()].sort().map((sourceId) => ({ sourceId, ...secondsStats(bySource.get(sourceId)!) })),
    }));
}

/**
 * The cells a group of `health.samples.changed` events asks to recompute, deduplicated and
 * sorted. Throws on a payload without a well-formed `affected` list (the event then retries and
 * ends as a dead letter an operator can inspect).
 */
export function cellsOfEvents(payloads: readonly unknown[]): SummaryCell[] {
  const cells = new Map<string, SummaryCell>();
  for (const payload of payloads) {
    const affected = (payload as Partial<SamplesChangedPayload> | null)?.affected;
    if (!Array.isArray(affected)) throw new Error('event payload has no affected list');
    for (const entry of affected) {
      const metricCode = (entry as { metricCode?: unknown })?.metricCode;
      const localDates = (entry as { localDates?: unknown })?.localDates;
      if (typeof metricCode !== 'string' || !Array.isArray(localDates)) throw new Error('malformed affected entry');
      for (const localDate of localDates) {
        if (typeof localDate !== 'string' || parseLocalDay(localDate) === undefined) {
          throw new Error(`malformed local date in affected entry: ${String(localDate)}`);
        }
        cells.set(cellKey(metricCode, localDate), { metricCode, localDate });
      }
    }
  }
  return [...cells.values()].sort((a, b) => compare(a.metricCode, b.metricCode) || compare(a.localDate, b.localDate));
}
