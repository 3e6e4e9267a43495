import { describe, expect, test } from 'bun:test';
import {
  assembleRateSeries,
  BUCKET_MS,
  bucketOf,
  failedField,
  RATE_FIELDS,
  SETTLE_MS,
  WINDOW_BUCKETS,
  windowBuckets,
} from '../../../../src/domain/operations/ingest-rates.ts';

describe('ingest rate buckets', () => {
  test.each([
    [0, 0],
    [4999, 0],
    [5000, 1],
    [Date.UTC(2026, 11, 1, 10, 0, 7), Date.UTC(2026, 11, 1, 10, 0, 5) / BUCKET_MS],
  ])('the moment %p falls in bucket %p', (ms, bucket) => {
    expect(bucketOf(ms)).toBe(bucket);
  });

  test('the window is 15 minutes of 5 s buckets, oldest first, ending at the last settled bucket', () => {
    const now = Date.UTC(2026, 11, 1, 10, 0, 6, 500); // 1.5 s into the bucket starting 10:00:05
    const buckets = windowBuckets(now);
    expect(buckets).toHaveLength(WINDOW_BUCKETS);
    expect(WINDOW_BUCKETS * BUCKET_MS).toBe(15 * 60_000);
    expect(buckets.every((bucket, i) => i === 0 || bucket === buckets[i - 1]! + 1)).toBe(true);
    // 10:00:00–10:00:05 ended 1.5 s ago, less than SETTLE_MS: the last shown is 09:59:55–10:00:00
    expect(SETTLE_MS).toBeGreaterThan(1500);
    expect(new Date((buckets.at(-1)! + 1) * BUCKET_MS).toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });

  test('a bucket is shown once it ended SETTLE_MS ago', () => {
    const end = Date.UTC(2026, 11, 1, 10, 0, 5);
    expect(windowBuckets(end + SETTLE_MS).at(-1)).toBe(bucketOf(end - 1));
    expect(windowBuckets(end + SETTLE_MS - 1).at(-1)).toBe(bucketOf(end - 1) - 1);
  });
});

describe('assembleRateSeries', () => {
  const buckets = [100, 101, 102];

  test('reads the four series and the failures by code, zeros where no replica counted', () => {
    const series = assembleRateSeries(buckets, [
      { [RATE_FIELDS.accepted]: '40', [failedField('UNKNOWN_METRIC')]: '2', [RATE_FIELDS.shed]: '1' },
      {},
      { [RATE_FIELDS.accepted]: '7', [failedField('VALUE_OUT_OF_BOUNDS')]: '1', [failedField('UNKNOWN_METRIC')]: '1', [RATE_FIELDS.rateLimited]: '3' },
    ]);
    expect(series).toEqual({
      bucketSeconds: 5,
      from: new Date(100 * BUCKET_MS).toISOString(),
      to: new Date(103 * BUCKET_MS).toISOString(),
      accepted: [40, 0, 7],
      failed: [2, 0, 2],
      shed: [1, 0, 0],
      rateLimited: [0, 0, 3],
      failedByCode: { UNKNOWN_METRIC: [2, 0, 1], VALUE_OUT_OF_BOUNDS: [0, 0, 1] },
      totals: { accepted: 47, failed: 4, shed: 1, rateLimited: 3 },
    });
  });

  test('ignores fields it does not know and values that are no counts', () => {
    const series = assembleRateSeries([1], [{ [RATE_FIELDS.accepted]: '-3', other: '9', [RATE_FIELDS.shed]: 'x', [failedField('A')]: '1.5' }]);
    expect(series.accepted).toEqual([0]);
    expect(series.shed).toEqual([0]);
    expect(series.failedByCode).toEqual({ A: [0] });
    expect(series.totals).toEqual({ accepted: 0, failed: 0, shed: 0, rateLimited: 0 });
  });
});
