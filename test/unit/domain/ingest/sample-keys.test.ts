import { describe, expect, test } from 'bun:test';
import { dedupedByKey, dedupeSamplesByKey, RowFinder, sampleKey } from '../../../../src/domain/ingest/sample-keys.ts';
import type { NormalizedSample } from '../../../../src/domain/types.ts';

const sample = (index: number, sourceId: string, sourceRecordId: string, startAtMs: number, value = 1, metricCode = 'steps'): NormalizedSample => ({
  index,
  sourceId,
  sourceRecordId,
  metricCode,
  valueKind: 'CUMULATIVE_NUM',
  value,
  unit: 'count',
  categoryCode: null,
  durationSeconds: null,
  startAtMs,
  endAtMs: startAtMs,
  timezoneOffsetMinutes: 0,
  timezoneSource: 'default',
  localDate: '2026-11-20',
  metadata: {},
  sourceVersion: null,
});

test('sampleKey joins the key fields with NUL', () => {
  expect(sampleKey(sample(0, 'src', 'rec', 1_700_000_000_000))).toBe('src\u0000rec\u0000steps\u00001700000000000');
});

describe('dedupeSamplesByKey', () => {
  test.each([
    ['empty', [], []],
    ['distinct keys are all kept', [sample(0, 'a', 'r1', 1), sample(1, 'a', 'r2', 1)], [0, 1]],
    ['the last occurrence of a key wins', [sample(0, 'a', 'r', 1, 10), sample(1, 'a', 'r', 1, 20), sample(2, 'a', 'r', 1, 30)], [2]],
    ['same record at another start is another key', [sample(0, 'a', 'r', 2), sample(1, 'a', 'r', 1)], [1, 0]],
    ['same record id from another source is another key', [sample(0, 'b', 'r', 1), sample(1, 'a', 'r', 1)], [1, 0]],
    // a Health Connect BloodPressureRecord: systolic and diastolic under one id and time
    ['same record and start with another metric is another key', [sample(0, 'a', 'bp', 1, 120, 'systolic'), sample(1, 'a', 'bp', 1, 80, 'diastolic')], [1, 0]],
    ['the last occurrence wins per metric', [sample(0, 'a', 'bp', 1, 120, 'systolic'), sample(1, 'a', 'bp', 1, 80, 'diastolic'), sample(2, 'a', 'bp', 1, 121, 'systolic')], [1, 2]],
    ['sorted by source, record, then start', [sample(0, 'b', 'a', 1), sample(1, 'a', 'b', 1), sample(2, 'a', 'a', 9), sample(3, 'a', 'a', 10)], [2, 3, 1, 0]],
    ['start times sort numerically', [sample(0, 'a', 'r', 10), sample(1, 'a', 'r', 9), sample(2, 'a', 'r', -5)], [2, 1, 0]],
  ])('%s', (_, input, expectedIndexes) => {
    expect(dedupeSamplesByKey(input).map((s) => s.index)).toEqual(expectedIndexes);
  });

  test('the order does not depend on the input order', () => {
    const samples = Array.from({ length: 50 }, (_, i) => sample(i, `s${i % 3}`, `r${(i * 7) % 11}`, (i * 13) % 5));
    const forward = dedupeSamplesByKey(samples).map(sampleKey);
    const backward = dedupeSamplesByKey([...samples].reverse()).map(sampleKey);
    expect(backward).toEqual(forward);
  });
});

describe('dedupedByKey counts the samples of each kept row', () => {
  test('null when every key came once', () => {
    expect(dedupedByKey([sample(0, 'a', 'r1', 1), sample(1, 'a', 'r2', 1)])).toMatchObject({ counts: null, sampleCount: 2 });
  });

  test('per kept row, in the rows\' order, once a key repeats', () => {
    const input = [sample(0, 'b', 'r', 1), sample(1, 'a', 'r', 1), sample(2, 'b', 'r', 1), sample(3, 'c', 'r', 1), sample(4, 'b', 'r', 1), sample(5, 'c', 'r', 1)];
    const deduped = dedupedByKey(input);
    expect(deduped.rows.map((s) => s.index)).toEqual([1, 4, 5]);
    expect(deduped.counts).toEqual([1, 3, 2]);
    expect(deduped.sampleCount).toBe(6);
  });
});

describe('RowFinder', () => {
  const rows = dedupeSamplesByKey(Array.from({ length: 40 }, (_, i) => sample(i, `s${i % 3}`, `r${i % 7}`, i % 5, 1, i % 2 ? 'steps' : 'distance')));
  const copy = (row: (typeof rows)[number]) => ({ ...row, sourceId: `${row.sourceId}`, sourceRecordId: `${row.sourceRecordId}` });

  test('finds every row, in order and out of it', () => {
    const inOrder = new RowFinder(rows);
    expect(rows.map((row) => inOrder.indexOf(copy(row)))).toEqual(rows.map((_, i) => i));
    const shuffled = rows.map((_, i) => (i * 17) % rows.length);
    const outOfOrder = new RowFinder(rows);
    expect(shuffled.map((i) => outOfOrder.indexOf(copy(rows[i]!)))).toEqual(shuffled);
  });

  test('-1 for a key no row has', () => {
    expect(new RowFinder(rows).indexOf(sample(0, 's1', 'r1', 99))).toBe(-1);
    expect(new RowFinder([]).indexOf(sample(0, 's1', 'r1', 1))).toBe(-1);
  });
});
