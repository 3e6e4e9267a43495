// GET /api/v1/health/daily-summaries query string → a checked query (CONTRACT §7), or every
// problem with its path (/query/from, …) for a 400 VALIDATION_FAILED.
import { resolveMetric } from '../catalog/catalog.ts';
import type { MetricCatalog } from '../catalog/catalog-types.ts';
import { parseLocalDay } from '../time/local-days.ts';
import { QueryReader, type QueryResult } from '../query-params.ts';
import { isStorableDay } from '../time/time-bounds.ts';

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
): QueryResult<DailySummaryQuery> {
  const read = new QueryReader(query);
  const day = (name: 'from' | 'to') => {
    const text = read.text(name);
    if (text === undefined || text === '') {
      read.fail(name, 'required (YYYY-MM-DD)');
      return undefined;
    }
    const parsed = parseLocalDay(text);
    if (parsed === undefined || !isStorableDay(parsed)) {
      read.fail(name, 'must be a date YYYY-MM-DD in the years 0001..9999');
      return undefined;
    }
    return parsed;
  };
  const from = day('from');
  const to = day('to');
  if (from !== undefined && to !== undefined) {
    if (to < from) read.fail('to', 'must not be before from');
    else if (to - from + 1 > MAX_SUMMARY_RANGE_DAYS) read.fail('to', `from..to may cover at most ${MAX_SUMMARY_RANGE_DAYS} days`);
  }

  let metricCodes = catalog.metrics.map((metric) => metric.code);
  const metrics = read.text('metrics');
  if (metrics !== undefined) {
    const codes = new Set<string>();
    for (const name of metrics.split(',').map((part) => part.trim())) {
      const metric = name === '' ? undefined : resolveMetric(catalog, name);
      if (metric) codes.add(metric.code);
      else read.fail('metrics', name === '' ? 'empty metric name' : `unknown metric "${name}"`);
    }
    metricCodes = [...codes];
  }

  const minSeq = read.count('minSeq', null);
  return read.result(() => ({ from: query.from!, to: query.to!, metricCodes, minSeq }));
}
