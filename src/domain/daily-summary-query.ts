// GET /api/v1/health/daily-summaries query string → a checked query (CONTRACT §7), or every
// problem with its path (/query/from, …) for a 400 VALIDATION_FAILED.
import { resolveMetric, type MetricCatalog } from './catalog.ts';
import { parseLocalDay } from './local-days.ts';
import type { FieldError } from './problems.ts';
import { isStorableDay } from './time-bounds.ts';

/** from..to (both inclusive) may cover at most this many dates. */
export const MAX_SUMMARY_RANGE_DAYS = 366;

export interface DailySummaryQuery {
  from: string;
  to: string;
  /** canonical codes, deduplicated; every catalog metric when the query names none */
  metricCodes: string[];
  /** wait until the projection has applied every change up to this seq; null = no waiting */
  minSeq: number | null;
}

export type RawSummaryQuery = Partial<Record<'from' | 'to' | 'metrics' | 'minSeq', string>>;

export function parseDailySummaryQuery(
  query: RawSummaryQuery,
  catalog: MetricCatalog,
): { ok: true; value: DailySummaryQuery } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const day = (name: 'from' | 'to') => {
    const text = query[name];
    if (text === undefined || text === '') {
      errors.push({ path: `/query/${name}`, message: 'required (YYYY-MM-DD)' });
      return undefined;
    }
    const parsed = parseLocalDay(text);
    if (parsed === undefined || !isStorableDay(parsed)) {
      errors.push({ path: `/query/${name}`, message: 'must be a date YYYY-MM-DD in the years 0001..9999' });
      return undefined;
    }
    return parsed;
  };
  const from = day('from');
  const to = day('to');
  if (from !== undefined && to !== undefined) {
    if (to < from) errors.push({ path: '/query/to', message: 'must not be before from' });
    else if (to - from + 1 > MAX_SUMMARY_RANGE_DAYS) {
      errors.push({ path: '/query/to', message: `from..to may cover at most ${MAX_SUMMARY_RANGE_DAYS} days` });
    }
  }

  let metricCodes = catalog.metrics.map((metric) => metric.code);
  if (query.metrics !== undefined) {
    const codes = new Set<string>();
    for (const name of query.metrics.split(',').map((part) => part.trim())) {
      const metric = name === '' ? undefined : resolveMetric(catalog, name);
      if (metric) codes.add(metric.code);
      else errors.push({ path: '/query/metrics', message: name === '' ? 'empty metric name' : `unknown metric "${name}"` });
    }
    metricCodes = [...codes];
  }

  let minSeq: number | null = null;
  if (query.minSeq !== undefined) {
    minSeq = /^\d{1,15}$/.test(query.minSeq) ? Number(query.minSeq) : null;
    if (minSeq === null) errors.push({ path: '/query/minSeq', message: 'must be a non-negative integer' });
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { from: query.from!, to: query.to!, metricCodes, minSeq } };
}
