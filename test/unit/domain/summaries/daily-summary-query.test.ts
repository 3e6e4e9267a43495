// The daily-summaries query string: dates, range cap, metric aliases, minSeq.
import { describe, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../../src/domain/catalog/catalog.ts';
import { MAX_SUMMARY_RANGE_DAYS, parseDailySummaryQuery } from '../../../../src/domain/summaries/daily-summary-query.ts';
import { formatLocalDay, localDayOf, parseLocalDay } from '../../../../src/domain/time/local-days.ts';

const parse = (query: Record<string, string>) => parseDailySummaryQuery(query, defaultCatalog);

describe('parseDailySummaryQuery', () => {
  test('resolves aliases, deduplicates, defaults to every metric', () => {
    const checked = parse({ from: '2026-11-01', to: '2026-11-30', metrics: 'HKQuantityTypeIdentifierStepCount, steps,heart_rate', minSeq: '42' });
    expect(checked).toEqual({ ok: true, value: { from: '2026-11-01', to: '2026-11-30', metricCodes: ['steps', 'heart_rate'], minSeq: 42 } });
    const all = parse({ from: '2026-11-01', to: '2026-11-01' });
    expect(all.ok && all.value.metricCodes).toEqual(defaultCatalog.metrics.map((m) => m.code));
    expect(all.ok && all.value.minSeq).toBeNull();
  });

  test.each([
    ['a missing from', { to: '2026-11-01' }, '/query/from'],
    ['a date without zero padding', { from: '2026-11-1', to: '2026-11-01' }, '/query/from'],
    ['a date that does not exist', { from: '2026-02-30', to: '2026-03-01' }, '/query/from'],
    ['to before from', { from: '2026-11-02', to: '2026-11-01' }, '/query/to'],
    ['367 days', { from: '2025-01-01', to: '2026-01-02' }, '/query/to'],
    ['an unknown metric', { from: '2026-11-01', to: '2026-11-01', metrics: 'steps,nope' }, '/query/metrics'],
    ['an empty metric name', { from: '2026-11-01', to: '2026-11-01', metrics: 'steps,' }, '/query/metrics'],
    ['a negative minSeq', { from: '2026-11-01', to: '2026-11-01', minSeq: '-1' }, '/query/minSeq'],
    ['a fractional minSeq', { from: '2026-11-01', to: '2026-11-01', minSeq: '1.5' }, '/query/minSeq'],
    ['year 0000, which PostgreSQL cannot store', { from: '0000-01-01', to: '0000-01-02' }, '/query/from'],
  ])('%s is refused at its path', (_name, query, path) => {
    const checked = parse(query as Record<string, string>);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.errors.map((e) => e.path)).toContain(path);
  });

  test(`a range of exactly ${MAX_SUMMARY_RANGE_DAYS} days is allowed`, () => {
    expect(parse({ from: '2024-01-01', to: '2024-12-31' }).ok).toBe(true);
    expect(parse({ from: '2025-01-01', to: '2026-01-01' }).ok).toBe(true);
  });
});

describe('local days', () => {
  test.each(['1970-01-01', '2024-02-29', '0001-01-01', '0099-12-31', '9999-12-31'])('%s round-trips', (text) => {
    expect(formatLocalDay(parseLocalDay(text)!)).toBe(text);
  });

  test.each(['2023-02-29', '2026-13-01', '2026-00-10', '2026-1-01', '20261101', ''])('%p is not a date', (text) => {
    expect(parseLocalDay(text)).toBeUndefined();
  });

  test('the local day of an instant follows its offset', () => {
    const instant = Date.parse('2026-11-20T23:30:00Z');
    expect(formatLocalDay(localDayOf(instant, 0))).toBe('2026-11-20');
    expect(formatLocalDay(localDayOf(instant, 60))).toBe('2026-11-21');
    expect(formatLocalDay(localDayOf(Date.parse('2026-11-21T03:00:00Z'), -300))).toBe('2026-11-20');
  });
});
