import { describe, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../../src/domain/catalog/catalog.ts';
import { normalizeSamples, type NormalizeContext } from '../../../../src/domain/ingest/sample-rules.ts';
import type { SampleBodyT } from '../../../../src/domain/ingest/upload-schema.ts';
import type { SampleErrorCode } from '../../../../src/domain/types.ts';

const NOW = Date.parse('2026-11-20T12:00:00Z');

const context = (overrides: Partial<NormalizeContext> = {}): NormalizeContext => ({
  catalog: defaultCatalog,
  blockedMetrics: new Set(),
  headerOffsetMinutes: undefined,
  nowMs: NOW,
  ...overrides,
});

const heartRate = (fields: Partial<SampleBodyT> = {}): SampleBodyT => ({
  sourceId: 'com.apple.health.8C1B',
  sourceRecordId: 'E2A6',
  metricCode: 'heart_rate',
  valueKind: 'SCALAR_NUM',
  value: 72,
  unit: 'count/min',
  startAt: '2026-11-20T07:15:00Z',
  ...fields,
});

const sleep = (fields: Partial<SampleBodyT> = {}): SampleBodyT => ({
  sourceId: 'com.apple.health.8C1B',
  sourceRecordId: 'S1',
  metricCode: 'sleep_stage',
  valueKind: 'CATEGORY',
  categoryCode: 'deep',
  startAt: '2026-11-20T01:00:00Z',
  endAt: '2026-11-20T01:30:00Z',
  timezoneOffsetMinutes: 60,
  ...fields,
});

const workout = (fields: Partial<SampleBodyT> = {}): SampleBodyT => ({
  sourceId: 'com.apple.health.8C1B',
  sourceRecordId: 'W1',
  metricCode: 'workout_duration',
  valueKind: 'INTERVAL_NUM',
  value: 30,
  unit: 'min',
  durationSeconds: 1800,
  startAt: '2026-11-20T06:00:00Z',
  endAt: '2026-11-20T06:30:00Z',
  ...fields,
});

function without(sample: SampleBodyT, field: keyof SampleBodyT): SampleBodyT {
  const copy = { ...sample };
  delete copy[field];
  return copy;
}

function failureOf(sample: SampleBodyT, ctx = context()) {
  const { valid, failures } = normalizeSamples([sample], ctx);
  expect(valid).toHaveLength(failures.length === 1 ? 0 : 1);
  return failures[0];
}

describe('normalizeSamples accepts a valid sample', () => {
  test('heart rate from the contract example', () => {
    const { valid, failures } = normalizeSamples([heartRate({ timezoneOffsetMinutes: 60, metadata: { deviceModel: 'Watch7,1', osVersion: '17.4', junk: 1 }, sourceVersion: 3 })], context());
    expect(failures).toEqual([]);
    expect(valid).toEqual([
      {
        index: 0,
        sourceId: 'com.apple.health.8C1B',
        sourceRecordId: 'E2A6',
        metricCode: 'heart_rate',
        valueKind: 'SCALAR_NUM',
        value: 72,
        unit: 'bpm',
        categoryCode: null,
        durationSeconds: null,
        startAtMs: Date.parse('2026-11-20T07:15:00Z'),
        endAtMs: Date.parse('2026-11-20T07:15:00Z'),
        timezoneOffsetMinutes: 60,
        timezoneSource: 'sample',
        localDate: '2026-11-20',
        metadata: { deviceModel: 'Watch7,1', osVersion: '17.4' },
        sourceVersion: 3,
      },
    ]);
  });

  test.each([
    ['an HK alias, lb → kg', { metricCode: 'HKQuantityTypeIdentifierBodyMass', unit: 'lb', value: 150 }, { metricCode: 'weight', unit: 'kg', value: 150 * 0.45359237 }],
    ['a Health Connect alias, degF → degC', { metricCode: 'BodyTemperatureRecord', unit: 'degF', value: 98.6 }, { metricCode: 'body_temperature', unit: 'degC', value: 37 }],
    ['mmol/L → mg/dL', { metricCode: 'blood_glucose', unit: 'mmol/L', value: 5.5 }, { metricCode: 'blood_glucose', unit: 'mg/dL', value: 99.0858 }],
    ['HealthKit mmol spelling', { metricCode: 'blood_glucose', unit: 'mmol<180.1558800000541>/L', value: 5.5 }, { metricCode: 'blood_glucose', unit: 'mg/dL', value: 99.0858 }],
  ])('%s', (_, fields, expected) => {
    const { valid } = normalizeSamples([heartRate(fields)], context());
    expect(valid).toHaveLength(1);
    const [sample] = valid;
    expect(sample?.metricCode).toBe(expected.metricCode);
    expect(sample?.unit).toBe(expected.unit);
    expect(sample?.value).toBeCloseTo(expected.value, 9);
  });

  test('sleep stage: category alias resolved, no value or unit', () => {
    const { valid } = normalizeSamples([sleep({ categoryCode: 'HKCategoryValueSleepAnalysisAsleepREM' })], context());
    expect(valid[0]).toMatchObject({ metricCode: 'sleep_stage', valueKind: 'CATEGORY', value: null, unit: null, categoryCode: 'rem' });
  });

  test('workout: minutes to seconds, duration kept', () => {
    const { valid } = normalizeSamples([workout()], context());
    expect(valid[0]).toMatchObject({ value: 1800, unit: 's', durationSeconds: 1800 });
  });

  test.each([
    ['sample offset wins', { timezoneOffsetMinutes: -300 }, 120, -300, 'sample'],
    ['sample offset wins over the zone', { timezoneOffsetMinutes: -300, metadata: { timeZone: 'Asia/Tokyo' } }, 120, -300, 'sample'],
    ['the zone when the sample has no offset (CET in November)', { metadata: { timeZone: 'Europe/Berlin' } }, 120, 60, 'zone'],
    ['the zone wins over the header', { metadata: { timeZone: 'America/New_York' } }, 120, -300, 'zone'],
    ['a zone at UTC is 0', { metadata: { timeZone: 'UTC' } }, 120, 0, 'zone'],
    ['header when the sample has neither', {}, 120, 120, 'header'],
    ['UTC by default', {}, undefined, 0, 'default'],
    ['an explicit 0 is the sample’s', { timezoneOffsetMinutes: 0 }, 120, 0, 'sample'],
  ])('time zone: %s', (_, fields, header, offset, source) => {
    const { valid } = normalizeSamples([heartRate(fields)], context({ headerOffsetMinutes: header }));
    expect(valid[0]).toMatchObject({ timezoneOffsetMinutes: offset, timezoneSource: source });
  });

  test.each([
    ['2026-11-20T23:30:00Z', 60, '2026-11-21'],
    ['2026-11-20T23:30:00Z', 0, '2026-11-20'],
    ['2026-11-20T03:00:00Z', -300, '2026-11-19'],
    ['2026-11-20T08:15:00+01:00', -300, '2026-11-20'],
  ])('local date of %s at %p → %s', (startAt, offset, date) => {
    const { valid } = normalizeSamples([heartRate({ startAt, timezoneOffsetMinutes: offset })], context({ nowMs: Date.parse('2026-11-21T00:00:00Z') }));
    expect(valid[0]?.localDate).toBe(date);
  });

  test('the same instant in two notations has one startAtMs', () => {
    const { valid } = normalizeSamples([heartRate(), heartRate({ startAt: '2026-11-20T08:15:00+01:00' })], context());
    expect(valid[0]?.startAtMs).toBe(valid[1]?.startAtMs as number);
  });

  test('bounds are inclusive at both ends, in the canonical unit', () => {
    const samples = [
      heartRate({ value: 20 }),
      heartRate({ value: 300 }),
      heartRate({ metricCode: 'weight', unit: 'g', value: 500 }),
      heartRate({ metricCode: 'weight', unit: 'kg', value: 700 }),
      heartRate({ metricCode: 'body_temperature', unit: 'degF', value: 77 }), // 25 °C
      workout({ value: 24, unit: 'h' }), // 86400 s
      workout({ value: 0, unit: 's' }),
    ];
    expect(normalizeSamples(samples, context()).failures).toEqual([]);
  });

  test('startAt up to 24 h ahead of now is fine', () => {
    expect(failureOf(heartRate({ startAt: '2026-11-21T12:00:00Z' }))).toBeUndefined();
  });
});

describe('normalizeSamples reports one failure per sample', () => {
  test.each<[string, SampleErrorCode, SampleBodyT, Partial<NormalizeContext>]>([
    ['unknown metric', 'UNKNOWN_METRIC', heartRate({ metricCode: 'mood' }), {}],
    ['blocked metric', 'PRIVACY_BLOCKED', heartRate(), { blockedMetrics: new Set(['heart_rate']) }],
    ['blocked metric sent by alias', 'PRIVACY_BLOCKED', heartRate({ metricCode: 'HeartRateRecord' }), { blockedMetrics: new Set(['heart_rate']) }],
    ['kind differs from the catalog', 'VALUE_KIND_MISMATCH', heartRate({ valueKind: 'CUMULATIVE_NUM' }), {}],
    ['numeric without value', 'MISSING_FIELD', without(heartRate(), 'value'), {}],
    ['numeric without unit', 'MISSING_FIELD', without(heartRate(), 'unit'), {}],
    ['interval without durationSeconds', 'MISSING_FIELD', without(workout(), 'durationSeconds'), {}],
    ['numeric with categoryCode', 'FORBIDDEN_FIELD', heartRate({ categoryCode: 'deep' }), {}],
    ['category without categoryCode', 'MISSING_FIELD', without(sleep(), 'categoryCode'), {}],
    ['category with value', 'FORBIDDEN_FIELD', sleep({ value: 1 }), {}],
    ['category with unit', 'FORBIDDEN_FIELD', sleep({ unit: 'count' }), {}],
    ['endAt before startAt', 'INVALID_TIME_RANGE', heartRate({ endAt: '2026-11-20T07:14:59.999Z' }), {}],
    ['startAt over 24 h ahead', 'INVALID_TIME_RANGE', heartRate({ startAt: '2026-11-21T12:00:00.001Z', endAt: '2026-11-21T13:00:00Z' }), {}],
    ['unparsable startAt', 'INVALID_FIELD', heartRate({ startAt: '2026-02-30T00:00:00Z' }), {}],
    ['the zero date', 'INVALID_FIELD', heartRate({ startAt: '0001-01-01T00:00:00Z' }), {}],
    ['an app-version string as sourceVersion', 'INVALID_FIELD', heartRate({ sourceVersion: '12.3' as never }), {}],
    ['an unknown metadata.timeZone', 'INVALID_METADATA', heartRate({ metadata: { timeZone: 'Mars/Olympus_Mons' } }), {}],
    ['a metadata.timeZone that is not a string', 'INVALID_METADATA', heartRate({ metadata: { timeZone: 60 } }), {}],
    ['sleep without any offset', 'TIMEZONE_REQUIRED', without(sleep(), 'timezoneOffsetMinutes'), {}],
    ['unit unknown', 'UNIT_NORMALIZATION_FAILED', heartRate({ unit: 'furlongs' }), {}],
    ['unit of another metric', 'UNIT_NORMALIZATION_FAILED', heartRate({ unit: 'kg' }), {}],
    ['below the lower bound', 'VALUE_OUT_OF_BOUNDS', heartRate({ value: 19.999 }), {}],
    ['above the upper bound', 'VALUE_OUT_OF_BOUNDS', heartRate({ value: 300.001 }), {}],
    ['out of bounds only after conversion', 'VALUE_OUT_OF_BOUNDS', heartRate({ metricCode: 'weight', unit: 'lb', value: 1600 }), {}],
    ['conversion overflows', 'VALUE_OUT_OF_BOUNDS', heartRate({ metricCode: 'distance', valueKind: 'CUMULATIVE_NUM', unit: 'mi', value: Number.MAX_VALUE }), {}],
    ['negative duration value', 'VALUE_OUT_OF_BOUNDS', workout({ value: -1 }), {}],
    ['unknown category', 'INVALID_CATEGORY_CODE', sleep({ categoryCode: 'STAGE_TYPE_UNKNOWN' }), {}],
    ['metadata too deep', 'INVALID_METADATA', heartRate({ metadata: { deviceModel: { a: { b: { c: 1 } } } } }), {}],
  ])('%s → %s', (_, code, sample, overrides) => {
    const failure = failureOf(sample, context(overrides));
    expect(failure).toMatchObject({ index: 0, sourceRecordId: sample.sourceRecordId, code });
    // INVALID_FIELD messages are "field: what was expected" (sample-shape.ts); the others are sentences
    expect(failure?.message).toMatch(code === 'INVALID_FIELD' ? /^(startAt|endAt|sourceVersion)[: ]/ : /^\S.*\.$/);
    expect('path' in failure!).toBe(code === 'INVALID_FIELD');
  });

  test.each([
    ['BloodPressureRecord', ['BloodPressureRecord.diastolic', 'BloodPressureRecord.systolic']],
    ['SkinTemperatureRecord', ['SkinTemperatureRecord.baseline', 'SkinTemperatureRecord.delta']],
  ])('a record that holds several metrics (%s) fails UNKNOWN_METRIC naming the metric of each value', (record, fields) => {
    const failure = failureOf(heartRate({ metricCode: record, unit: 'mmHg', value: 120 }));
    expect(failure?.code).toBe('UNKNOWN_METRIC');
    for (const field of fields) expect(failure?.message).toContain(field);
  });

  test('NutritionRecord names its first fields and how many there are, not all of them', () => {
    const message = failureOf(heartRate({ metricCode: 'NutritionRecord', unit: 'g', value: 1 }))?.message ?? '';
    expect(message).toContain('NutritionRecord.energy');
    expect(message).toMatch(/\d+ in all/);
    expect(message.length).toBeLessThan(300);
  });

  test('the sleep offset may come from the header', () => {
    expect(failureOf(without(sleep(), 'timezoneOffsetMinutes'), context({ headerOffsetMinutes: 60 }))).toBeUndefined();
  });

  test('the sleep offset may come from metadata.timeZone, DST-correct at startAt', () => {
    const night = (startAt: string) => ({ ...without(sleep(), 'timezoneOffsetMinutes'), startAt, endAt: startAt, metadata: { timeZone: 'Europe/Berlin' } });
    const { valid, failures } = normalizeSamples([night('2026-07-01T22:00:00Z'), night('2026-01-01T22:00:00Z')], context());
    expect(failures).toEqual([]);
    expect(valid.map((s) => [s.timezoneOffsetMinutes, s.timezoneSource, s.localDate])).toEqual([
      [120, 'zone', '2026-07-02'],
      [60, 'zone', '2026-01-01'],
    ]);
  });

  test('a zone name the sample did not need is not checked', () => {
    expect(failureOf(heartRate({ timezoneOffsetMinutes: 60, metadata: { timeZone: 'Mars/Olympus_Mons' } }))).toBeUndefined();
  });

  test('a broken field fails with INVALID_FIELD and the JSON pointer of the field in the request', () => {
    const { valid, failures } = normalizeSamples([heartRate(), heartRate({ sourceRecordId: 'late', startAt: '1850-01-01T00:00:00Z' })], context());
    expect(valid).toHaveLength(1);
    expect(failures).toEqual([
      { index: 1, sourceRecordId: 'late', code: 'INVALID_FIELD', message: expect.stringContaining('startAt') as never, path: '/samples/1/startAt' },
    ]);
  });

  test('elements that are not samples fail alone, without a sourceRecordId', () => {
    const { valid, failures } = normalizeSamples([42, heartRate(), null, [heartRate()]], context());
    expect(valid.map((s) => s.index)).toEqual([1]);
    expect(failures.map((f) => [f.index, f.sourceRecordId, f.code, f.path])).toEqual([
      [0, null, 'INVALID_FIELD', '/samples/0'],
      [2, null, 'INVALID_FIELD', '/samples/2'],
      [3, null, 'INVALID_FIELD', '/samples/3'],
    ]);
  });

  test('"unit": "" on a category sample is absent, as old exports write it', () => {
    const { valid, failures } = normalizeSamples([sleep({ unit: '' })], context());
    expect(failures).toEqual([]);
    expect(valid[0]).toMatchObject({ unit: null, categoryCode: 'deep' });
  });

  test('the first failing rule wins', () => {
    const everythingWrong = heartRate({ valueKind: 'CATEGORY', unit: 'kg', value: 1e9, startAt: '2030-01-01T00:00:00Z' });
    expect(failureOf(everythingWrong)?.code).toBe('VALUE_KIND_MISMATCH');
    expect(failureOf(everythingWrong, context({ blockedMetrics: new Set(['heart_rate']) }))?.code).toBe('PRIVACY_BLOCKED');
    expect(failureOf(heartRate({ unit: 'kg', startAt: '2030-01-01T00:00:00Z' }))?.code).toBe('INVALID_TIME_RANGE');
    expect(failureOf(without(sleep({ categoryCode: 'nope' }), 'timezoneOffsetMinutes'))?.code).toBe('TIMEZONE_REQUIRED');
  });

  test('messages name fields, never values', () => {
    const failure = failureOf(heartRate({ value: 987.654 }));
    expect(failure?.message).not.toContain('987');
    expect(failureOf(without(heartRate(), 'unit'))?.message).toContain('unit');
    expect(failureOf(without(workout(), 'durationSeconds'))?.message).toContain('durationSeconds');
    expect(failureOf(sleep({ value: 1 }))?.message).toContain('value');
  });

  test('indexes point into the request; valid and failed samples are split', () => {
    const { valid, failures } = normalizeSamples([heartRate(), heartRate({ sourceRecordId: 'bad', value: 1 }), sleep()], context());
    expect(valid.map((s) => s.index)).toEqual([0, 2]);
    expect(failures.map((f) => [f.index, f.sourceRecordId, f.code])).toEqual([[1, 'bad', 'VALUE_OUT_OF_BOUNDS']]);
  });
});
