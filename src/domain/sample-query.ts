// GET /api/v1/health/samples query string → a checked query (CONTRACT §7), or every problem.
import { resolveMetric } from './catalog/catalog.ts';
import type { MetricCatalog } from './catalog/catalog-types.ts';
import { QueryReader, type QueryResult } from './query-params.ts';
import { decodeSampleCursor, type SampleCursor } from './sample-cursor.ts';
import { isStorableInstant } from './time/time-bounds.ts';
import { parseRfc3339 } from './time/timestamps.ts';

export interface SampleQuery {
  /** canonical metric code, or null for every metric */
  metricCode: string | null;
  /** inclusive bounds on startAt */
  from: Date | null;
  to: Date | null;
  after: SampleCursor | null;
  limit: number;
}

export type RawSampleQuery = Partial<Record<'metric' | 'from' | 'to' | 'limit' | 'cursor', string>>;

export function parseSampleQuery(query: RawSampleQuery, catalog: MetricCatalog): QueryResult<SampleQuery> {
  const read = new QueryReader(query);
  const metricText = read.text('metric');
  const metric = metricText === undefined ? null : resolveMetric(catalog, metricText);
  if (metric === undefined) read.fail('metric', `unknown metric "${metricText}"`);
  const instant = (name: 'from' | 'to') => {
    const text = read.text(name);
    if (text === undefined) return null;
    const ms = parseRfc3339(text);
    if (ms === undefined || !isStorableInstant(ms)) {
      read.fail(name, 'must be an RFC 3339 date-time in the years 0001..9999');
      return null;
    }
    return new Date(ms);
  };
  const from = instant('from');
  const to = instant('to');
  const limit = read.pageSize('limit');
  const cursorText = read.text('cursor');
  const after = cursorText === undefined ? null : decodeSampleCursor(cursorText);
  if (after === null && cursorText !== undefined) read.fail('cursor', 'invalid cursor');
  return read.result(() => ({ metricCode: metric?.code ?? null, from, to, after, limit }));
}
