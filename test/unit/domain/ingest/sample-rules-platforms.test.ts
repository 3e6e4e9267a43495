// The catalog's rules as a sample meets them (CONTRACT §4.6, §5): the platform alias a sample
// names decides how its unit and category read; a workout takes its activity as categoryCode;
// single-valued category types store without one.
import { describe, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../../src/domain/catalog/catalog.ts';
import { normalizeSamples } from '../../../../src/domain/ingest/sample-rules.ts';
import type { SampleBodyT } from '../../../../src/domain/ingest/upload-schema.ts';

const NOW = Date.parse('2026-11-20T12:00:00Z');

function normalize(fields: Partial<SampleBodyT>) {
  const sample: SampleBodyT = {
    sourceId: 'com.apple.health.8C1B',
    sourceRecordId: 'R1',
    metricCode: 'heart_rate',
    valueKind: 'SCALAR_NUM',
    startAt: '2026-11-20T06:00:00Z',
    timezoneOffsetMinutes: 60,
    ...fields,
  };
  const { valid, failures } = normalizeSamples([sample], {
    catalog: defaultCatalog,
    blockedMetrics: new Set(),
    headerOffsetMinutes: undefined,
    nowMs: NOW,
  });
  return { stored: valid[0], failure: failures[0]?.code };
}

const category = (metricCode: string, categoryCode?: string): Partial<SampleBodyT> => ({
  metricCode, valueKind: 'CATEGORY', ...(categoryCode === undefined ? {} : { categoryCode }), endAt: '2026-11-20T06:30:00Z',
});

describe('units read with the meaning of the platform the sample names', () => {
  test.each<[string, number, string, number, string]>([
    ['HKQuantityTypeIdentifierBodyFatPercentage', 0.215, '%', 21.5, '%'],
    ['BodyFatRecord', 21.5, 'percent', 21.5, '%'],
    ['body_fat_percentage', 21.5, '%', 21.5, '%'],
    ['HKQuantityTypeIdentifierOxygenSaturation', 0.97, '%', 97, '%'],
    ['HKQuantityTypeIdentifierHeartRate', 1.2, 'count/s', 72, 'bpm'],
    ['HKQuantityTypeIdentifierVO2Max', 45, 'mL/min·kg', 45, 'mL/(kg·min)'],
  ])('%s: %p %s is stored as %p %s', (metricCode, value, unit, stored, canonicalUnit) => {
    const { stored: sample } = normalize({ metricCode, valueKind: 'SCALAR_NUM', value, unit });
    expect(sample?.value).toBeCloseTo(stored, 9);
    expect(sample?.unit).toBe(canonicalUnit);
  });

  test('a HealthKit fraction sent as a percent is out of bounds, not silently 100×', () => {
    expect(normalize({ metricCode: 'HKQuantityTypeIdentifierBodyFatPercentage', value: 21.5, unit: '%' }).failure).toBe('VALUE_OUT_OF_BOUNDS');
  });
});

describe('category values read per platform', () => {
  test.each<[string, string | undefined, string | null, string | undefined]>([
    ['HKCategoryTypeIdentifierSleepAnalysis', '3', 'core', undefined],
    ['SleepSessionRecord', '5', 'deep', undefined],
    ['SleepSessionRecord', undefined, 'in_bed', undefined],
    ['sleep_stage', '3', null, 'INVALID_CATEGORY_CODE'],
    ['HKCategoryTypeIdentifierSleepAnalysis', undefined, null, 'MISSING_FIELD'],
    ['HKCategoryTypeIdentifierMindfulSession', undefined, 'unspecified', undefined],
    ['MindfulnessSessionRecord', '1', 'meditation', undefined],
    ['HKCategoryTypeIdentifierHighHeartRateEvent', undefined, 'occurred', undefined],
    ['HKCategoryTypeIdentifierAppleStandHour', '0', 'stood', undefined],
    ['HKCategoryTypeIdentifierHeadache', 'HKCategoryValueSeverityMild', 'mild', undefined],
  ])('%s with categoryCode %p → %p', (metricCode, categoryCode, stored, failure) => {
    const outcome = normalize(category(metricCode, categoryCode));
    expect(outcome.failure).toBe(failure as never);
    expect(outcome.stored?.categoryCode ?? null).toBe(stored);
  });
});

describe('a workout takes its activity as categoryCode', () => {
  const workout = (fields: Partial<SampleBodyT>): Partial<SampleBodyT> => ({
    metricCode: 'HKWorkoutTypeIdentifier', valueKind: 'INTERVAL_NUM', value: 45, unit: 'min', durationSeconds: 2700,
    endAt: '2026-11-20T06:45:00Z', ...fields,
  });

  test.each<[Partial<SampleBodyT>, string]>([
    [workout({ categoryCode: 'HKWorkoutActivityTypeRunning' }), 'running'],
    [workout({ categoryCode: '37' }), 'running'],
    [workout({ metricCode: 'ExerciseSessionRecord', categoryCode: '56', value: 2700, unit: 's' }), 'running'],
    [workout({ metricCode: 'workout', categoryCode: 'cycling' }), 'cycling'],
    [workout({}), 'other'],
  ])('%o → %s', (fields, activity) => {
    const { stored, failure } = normalize(fields);
    expect(failure).toBeUndefined();
    expect(stored).toMatchObject({ metricCode: 'workout', valueKind: 'INTERVAL_NUM', value: 2700, unit: 's', categoryCode: activity });
  });

  test('an unknown activity is INVALID_CATEGORY_CODE; workout_duration still forbids one', () => {
    expect(normalize(workout({ categoryCode: 'quidditch' })).failure).toBe('INVALID_CATEGORY_CODE');
    expect(normalize(workout({ metricCode: 'workout_duration', categoryCode: 'running' })).failure).toBe('FORBIDDEN_FIELD');
  });
});
