import { describe, expect, test } from 'bun:test';
import { dedupeSamplesByKey, sampleKey } from '../../../../src/domain/ingest/sample-keys.ts';
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
