// Daily summary math: splitting intervals at local midnight, numeric cells from per-source
// aggregates, CATEGORY cells in seconds, and which cells an event asks to recompute.
import { describe, expect, test } from 'bun:test';
import { affectedLocalDates } from '../../../../src/domain/time/timestamps.ts';
import {
  cellKey,
  cellsOfEvents,
  splitAcrossLocalDays,
  summarizeCategories,
  summarizeNumeric,
  summaryStyleOf,
  type CategorySample,
} from '../../../../src/domain/summaries/daily-summary.ts';
import { defaultCatalog } from '../../../../src/domain/catalog/catalog.ts';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('splitAcrossLocalDays', () => {
  test.each([
    ['inside one local day', '2026-11-20T22:00:00Z', '2026-11-20T22:30:00Z', 0, [['2026-11-20', 1800]]],
    ['across local midnight (UTC+1: 23:00 → 07:00)', '2026-11-20T22:00:00Z', '2026-11-21T06:00:00Z', 60, [['2026-11-20', 3600], ['2026-11-21', 7 * 3600]]],
    ['across local midnight at a negative offset (UTC-5)', '2026-11-21T03:00:00Z', '2026-11-21T07:00:00Z', -300, [['2026-11-20', 2 * 3600], ['2026-11-21', 2 * 3600]]],
    ['ending exactly at local midnight stays on its day', '2026-11-20T22:00:00Z', '2026-11-21T00:00:00Z', 0, [['2026-11-20', 7200]]],
    ['an empty interval is a zero share of its day', '2026-11-21T00:00:00Z', '2026-11-21T00:00:00Z', 0, [['2026-11-21', 0]]],
    ['an end before the start counts as empty', '2026-11-21T05:00:00Z', '2026-11-21T04:00:00Z', 0, [['2026-11-21', 0]]],
  ] as const)('%s', (_name, start, end, offset, expected) => {
    const shares = splitAcrossLocalDays(at(start), at(end), offset);
    expect(shares.map((share) => [share.localDate, share.ms / 1000])).toEqual(expected.map(([d, s]) => [d, s]));
  });

  test('stops after maxDays local dates (the look-back bound)', () => {
    const shares = splitAcrossLocalDays(at('2026-11-20T12:00:00Z'), at('2026-11-25T12:00:00Z'), 0, 3);
    expect(shares.map((share) => share.localDate)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(shares.map((share) => share.ms / HOUR)).toEqual([12, 24, 24]);
  });

  test('its dates are those the outbox event names (affectedLocalDates)', () => {
    for (const [start, end, offset] of [
      ['2026-11-20T22:00:00Z', '2026-11-21T06:00:00Z', 60],
      ['2026-11-20T23:59:59.999Z', '2026-11-21T00:00:00.001Z', 0],
      ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z', 840],
      ['2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z', -720],
    ] as const) {
      const dates = splitAcrossLocalDays(at(start), at(end), offset, 400).map((share) => share.localDate);
      expect(dates).toEqual(affectedLocalDates(at(start), at(end), offset));
    }
  });

  test('the shares add up to the interval', () => {
    const start = at('2026-11-20T19:17:03.250Z');
    const end = start + 40 * HOUR + 123;
    const shares = splitAcrossLocalDays(start, end, 330, 10);
    expect(shares.reduce((sum, share) => sum + share.ms, 0)).toBe(end - start);
  });
});

describe('summarizeNumeric', () => {
  test('totals add the sources; bySource keeps each one (phone + watch double count in sum)', () => {
    const summaries = summarizeNumeric(
      [
        { metricCode: 'steps', localDate: '2026-11-20', sourceId: 'watch', count: 3, sum: 3000, min: 500, max: 1500 },
        { metricCode: 'steps', localDate: '2026-11-20', sourceId: 'phone', count: 2, sum: 2800, min: 1300, max: 1500 },
        { metricCode: 'heart_rate', localDate: '2026-11-21', sourceId: 'watch', count: 4, sum: 280, min: 60, max: 80 },
      ],
      (code) => ({ steps: 'count', heart_rate: 'bpm' })[code] ?? null,
    );
    expect(summaries).toEqual([
      {
        metricCode: 'heart_rate', localDate: '2026-11-21', count: 4, sum: 280, min: 60, max: 80, avg: 70, unit: 'bpm', categorySeconds: null,
        bySource: [{ sourceId: 'watch', count: 4, sum: 280, min: 60, max: 80, avg: 70 }],
      },
      {
        metricCode: 'steps', localDate: '2026-11-20', count: 5, sum: 5800, min: 500, max: 1500, avg: 1160, unit: 'count', categorySeconds: null,
        bySource: [
          { sourceId: 'phone', count: 2, sum: 2800, min: 1300, max: 1500, avg: 1400 },
          { sourceId: 'watch', count: 3, sum: 3000, min: 500, max: 1500, avg: 1000 },
        ],
      },
    ]);
  });

  test('does not depend on the order of its input', () => {
    const parts = [
      { metricCode: 'distance', localDate: '2026-11-20', sourceId: 'a', count: 1, sum: 0.1, min: 0.1, max: 0.1 },
      { metricCode: 'distance', localDate: '2026-11-20', sourceId: 'b', count: 1, sum: 0.2, min: 0.2, max: 0.2 },
      { metricCode: 'distance', localDate: '2026-11-20', sourceId: 'c', count: 1, sum: 0.3, min: 0.3, max: 0.3 },
    ];
    const unit = () => 'm';
    expect(summarizeNumeric([...parts].reverse(), unit)).toEqual(summarizeNumeric(parts, unit));
  });
});

describe('summarizeCategories', () => {
  const sleep = (sourceId: string, categoryCode: string, start: string, end: string, offset = 60): CategorySample => ({
    metricCode: 'sleep_stage',
    sourceId,
    categoryCode,
    startMs: at(start),
    endMs: at(end),
    timezoneOffsetMinutes: offset,
  });
  const cells = (...dates: string[]) => new Set(dates.map((date) => cellKey('sleep_stage', date)));

  test('a night across local midnight is split into both dates, seconds per category', () => {
    const night = [
      sleep('watch', 'core', '2026-11-20T22:00:00Z', '2026-11-20T23:30:00Z'), // 23:00–00:30 local
      sleep('watch', 'deep', '2026-11-20T23:30:00Z', '2026-11-21T00:00:00Z'), // 00:30–01:00
      sleep('watch', 'rem', '2026-11-21T00:00:00Z', '2026-11-21T00:15:00Z'),
    ];
    const [first, second] = summarizeCategories(night, cells('2026-11-20', '2026-11-21'));
    expect(first).toMatchObject({ localDate: '2026-11-20', count: 1, sum: 3600, unit: 's', categorySeconds: { core: 3600 } });
    expect(second).toMatchObject({
      localDate: '2026-11-21',
      count: 3,
      sum: 1800 + 1800 + 900,
      min: 900,
      max: 1800,
      avg: 1500,
      categorySeconds: { core: 1800, deep: 1800, rem: 900 },
    });
    expect(second!.bySource).toEqual([
      { sourceId: 'watch', count: 3, sum: 4500, min: 900, max: 1800, avg: 1500, categorySeconds: { core: 1800, deep: 1800, rem: 900 } },
    ]);
  });

  test('only the requested cells come back', () => {
    const night = [sleep('watch', 'asleep', '2026-11-20T22:00:00Z', '2026-11-21T06:00:00Z')];
    const only = summarizeCategories(night, cells('2026-11-21'));
    expect(only.map((s) => [s.localDate, s.sum])).toEqual([['2026-11-21', 7 * 3600]]);
  });

  test('sources are kept apart and seconds are exact (integer milliseconds)', () => {
    const samples = [
      sleep('phone', 'in_bed', '2026-11-21T01:00:00.001Z', '2026-11-21T02:00:00.002Z'),
      sleep('watch', 'asleep', '2026-11-21T01:00:00.003Z', '2026-11-21T01:00:00.010Z'),
    ];
    const [summary] = summarizeCategories(samples, cells('2026-11-21'));
    expect(summary!.categorySeconds).toEqual({ asleep: 0.007, in_bed: 3600.001 });
    expect(summary!.bySource.map((s) => [s.sourceId, s.sum])).toEqual([['phone', 3600.001], ['watch', 0.007]]);
    expect(summarizeCategories([...samples].reverse(), cells('2026-11-21'))).toEqual([summary!]);
  });
});

describe('summaryStyleOf: the kind decides how a metric is summarized', () => {
  test.each([
    ['CUMULATIVE_NUM', null, 'values'],
    ['SCALAR_NUM', null, 'values'],
    ['INTERVAL_NUM', null, 'values'],
    ['INTERVAL_NUM', ['running', 'cycling'], 'seconds'], // a workout: seconds per activity
    ['CATEGORY', ['deep', 'rem'], 'seconds'],
  ] as const)('%s with categories %p → %s', (kind, categories, style) => {
    expect(summaryStyleOf({ kind, categories })).toBe(style);
  });

  test('every catalog metric has a style that matches its kind', () => {
    for (const metric of defaultCatalog.metrics) {
      const style = summaryStyleOf(metric);
      if (metric.kind === 'CATEGORY') expect(style).toBe('seconds');
      if (metric.kind === 'CUMULATIVE_NUM' || metric.kind === 'SCALAR_NUM') expect(style).toBe('values');
    }
  });
});

describe('summarizeCategories for workouts (an INTERVAL_NUM with categories)', () => {
  const workout = (activity: string | null, start: string, end: string): CategorySample => ({
    metricCode: 'workout',
    sourceId: 'watch',
    categoryCode: activity,
    startMs: at(start),
    endMs: at(end),
    timezoneOffsetMinutes: 0,
  });

  test('gives seconds per activity, the way sleep gives seconds per stage', () => {
    const day = [
      workout('running', '2026-11-21T07:00:00Z', '2026-11-21T07:30:00Z'),
      workout('cycling', '2026-11-21T17:00:00Z', '2026-11-21T18:00:00Z'),
      workout('running', '2026-11-21T19:00:00Z', '2026-11-21T19:10:00Z'),
    ];
    const [summary] = summarizeCategories(day, new Set([cellKey('workout', '2026-11-21')]));
    expect(summary).toMatchObject({ count: 3, sum: 6000, min: 600, max: 3600, unit: 's', categorySeconds: { cycling: 3600, running: 2400 } });
  });

  test('an interval without an activity counts in sum and in no category', () => {
    const [summary] = summarizeCategories([workout(null, '2026-11-21T07:00:00Z', '2026-11-21T07:30:00Z')], new Set([cellKey('workout', '2026-11-21')]));
    expect(summary).toMatchObject({ count: 1, sum: 1800, categorySeconds: {} });
  });
});

describe('cellsOfEvents', () => {
  test('unions and sorts the affected cells of several events', () => {
    const cells = cellsOfEvents([
      { affected: [{ metricCode: 'steps', localDates: ['2026-11-21', '2026-11-20'] }] },
      { affected: [{ metricCode: 'heart_rate', localDates: ['2026-11-20'] }, { metricCode: 'steps', localDates: ['2026-11-20'] }] },
    ]);
    expect(cells).toEqual([
      { metricCode: 'heart_rate', localDate: '2026-11-20' },
      { metricCode: 'steps', localDate: '2026-11-20' },
      { metricCode: 'steps', localDate: '2026-11-21' },
    ]);
  });

  test.each([
    ['no payload', null],
    ['no affected list', {}],
    ['an affected list that is not a list', { affected: 'x' }],
    ['an entry without dates', { affected: [{ metricCode: 'steps' }] }],
    ['a date that does not exist', { affected: [{ metricCode: 'steps', localDates: ['2026-02-30'] }] }],
  ])('refuses a payload with %s', (_name, payload) => {
    expect(() => cellsOfEvents([payload])).toThrow();
  });
});
