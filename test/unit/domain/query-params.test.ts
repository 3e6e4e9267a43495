// The one query reader (domain/query-params.ts) and the parses built on it: every problem named
// with its /query/ path, paging the same everywhere.
import { describe, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { parseDeadLetterQuery } from '../../../src/domain/operations/dead-letter-query.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../src/domain/query-params.ts';
import { encodeSampleCursor } from '../../../src/domain/sample-cursor.ts';
import { parseSampleQuery } from '../../../src/domain/sample-query.ts';

const pathsOf = (result: { ok: boolean; errors?: { path: string }[] }) => (result.ok ? [] : result.errors!.map((error) => error.path));

describe('paging, the same for every list', () => {
  test.each([
    [undefined, DEFAULT_PAGE_SIZE],
    ['1', 1],
    [String(MAX_PAGE_SIZE), MAX_PAGE_SIZE],
  ])('limit=%p → %i', (limit, size) => {
    expect(parseDeadLetterQuery(limit === undefined ? {} : { limit })).toEqual({ ok: true, value: { afterId: 0, limit: size } });
    expect(parseSampleQuery(limit === undefined ? {} : { limit }, defaultCatalog)).toMatchObject({ ok: true, value: { limit: size } });
  });

  test.each(['0', String(MAX_PAGE_SIZE + 1), '-1', '1.5', 'ten', ''])('limit=%p is refused with one message', (limit) => {
    for (const result of [parseDeadLetterQuery({ limit }), parseSampleQuery({ limit }, defaultCatalog)]) {
      expect(result).toEqual({ ok: false, errors: [{ path: '/query/limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }] });
    }
  });
});

test('a dead-letter page starts after a non-negative integer id', () => {
  expect(parseDeadLetterQuery({ afterId: '42' })).toEqual({ ok: true, value: { afterId: 42, limit: DEFAULT_PAGE_SIZE } });
  expect(parseDeadLetterQuery({ afterId: '-1', limit: '0' })).toEqual({
    ok: false,
    errors: [
      { path: '/query/afterId', message: 'must be a non-negative integer' },
      { path: '/query/limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` },
    ],
  });
});

describe('the samples query', () => {
  test('a metric by alias, inclusive instants and a cursor read back as canonical values', () => {
    const cursor = encodeSampleCursor({ metricCode: 'heart_rate', startAt: '2026-11-20T07:15:00+01:00', sourceId: 'w', sourceRecordId: 'r' });
    const result = parseSampleQuery(
      { metric: 'HKQuantityTypeIdentifierHeartRate', from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00+01:00', cursor },
      defaultCatalog,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        metricCode: 'heart_rate',
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-29T23:00:00Z'),
        after: { metricCode: 'heart_rate', startAt: '2026-11-20T06:15:00.000Z', sourceId: 'w', sourceRecordId: 'r' },
        limit: DEFAULT_PAGE_SIZE,
      },
    });
  });

  test('every problem is named at once', () => {
    const result = parseSampleQuery({ metric: 'nope', from: '0000-01-01T00:00:00Z', to: 'yesterday', limit: '0', cursor: 'x' }, defaultCatalog);
    expect(pathsOf(result)).toEqual(['/query/metric', '/query/from', '/query/to', '/query/limit', '/query/cursor']);
  });
});
