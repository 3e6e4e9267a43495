import { describe, expect, test } from 'bun:test';
import {
  catalogToJson,
  defaultCatalog,
  isKnownMetricCode,
  resolveCategory,
  resolveMetric,
  resolveUnit,
  type MetricDefinition,
} from '../../../src/domain/catalog.ts';

const catalog = defaultCatalog;
const metric = (code: string): MetricDefinition => {
  const found = resolveMetric(catalog, code);
  if (found === undefined) throw new Error(`no metric ${code}`);
  return found;
};

describe('the shipped catalog holds CONTRACT §5', () => {
  test.each([
    ['heart_rate', 'SCALAR_NUM', 'bpm', { min: 20, max: 300 }, false],
    ['steps', 'CUMULATIVE_NUM', 'count', { min: 0, max: 100000 }, false],
    ['distance', 'CUMULATIVE_NUM', 'm', { min: 0, max: 500000 }, false],
    ['active_energy', 'CUMULATIVE_NUM', 'kcal', { min: 0, max: 20000 }, false],
    ['weight', 'SCALAR_NUM', 'kg', { min: 0.5, max: 700 }, false],
    ['body_temperature', 'SCALAR_NUM', 'degC', { min: 25, max: 45 }, false],
    ['blood_glucose', 'SCALAR_NUM', 'mg/dL', { min: 10, max: 1000 }, false],
    ['workout_duration', 'INTERVAL_NUM', 's', { min: 0, max: 86400 }, false],
    ['sleep_stage', 'CATEGORY', null, null, true],
  ])('%s', (code, kind, canonicalUnit, bounds, requiresTimezone) => {
    const definition = metric(code);
    expect(definition).toMatchObject({ code, kind, canonicalUnit, bounds, requiresTimezone });
    if (canonicalUnit !== null) expect(definition.units.get(canonicalUnit)).toEqual({ factor: 1, offset: 0 });
  });

  test('sleep_stage categories', () => {
    expect(metric('sleep_stage').categories).toEqual(['in_bed', 'asleep', 'awake', 'core', 'deep', 'rem']);
  });
});

describe('resolveMetric and isKnownMetricCode', () => {
  test.each([
    ['heart_rate', 'heart_rate'],
    ['HKQuantityTypeIdentifierHeartRate', 'heart_rate'],
    ['HeartRateRecord', 'heart_rate'],
    ['HKQuantityTypeIdentifierStepCount', 'steps'],
    ['StepsRecord', 'steps'],
    ['HKQuantityTypeIdentifierDistanceWalkingRunning', 'distance'],
    ['DistanceRecord', 'distance'],
    ['HKQuantityTypeIdentifierActiveEnergyBurned', 'active_energy'],
    ['ActiveCaloriesBurnedRecord', 'active_energy'],
    ['HKQuantityTypeIdentifierBodyMass', 'weight'],
    ['WeightRecord', 'weight'],
    ['HKQuantityTypeIdentifierBodyTemperature', 'body_temperature'],
    ['BodyTemperatureRecord', 'body_temperature'],
    ['HKQuantityTypeIdentifierBloodGlucose', 'blood_glucose'],
    ['BloodGlucoseRecord', 'blood_glucose'],
    ['HKWorkoutTypeIdentifier', 'workout_duration'],
    ['ExerciseSessionRecord', 'workout_duration'],
    ['HKCategoryTypeIdentifierSleepAnalysis', 'sleep_stage'],
    ['SleepSessionRecord', 'sleep_stage'],
  ])('%s → %s', (name, code) => {
    expect(resolveMetric(catalog, name)?.code).toBe(code);
    expect(isKnownMetricCode(catalog, name)).toBe(true);
  });

  test.each(['Heart_Rate', 'heartrate', '', 'toString', '__proto__', 'constructor'])('%p is unknown', (name) => {
    expect(resolveMetric(catalog, name)).toBeUndefined();
    expect(isKnownMetricCode(catalog, name)).toBe(false);
  });
});

describe('resolveUnit', () => {
  test.each([
    ['heart_rate', 'bpm', 1, 0],
    ['heart_rate', 'count/min', 1, 0],
    ['heart_rate', 'beats/min', 1, 0],
    ['heart_rate', '/min', 1, 0],
    ['steps', 'count', 1, 0],
    ['steps', 'steps', 1, 0],
    ['weight', 'lb', 0.45359237, 0],
    ['weight', 'lbs', 0.45359237, 0],
    ['weight', 'g', 0.001, 0],
    ['distance', 'km', 1000, 0],
    ['distance', 'mi', 1609.344, 0],
    ['active_energy', 'kJ', 1 / 4.184, 0],
    ['active_energy', 'Cal', 1, 0],
    ['active_energy', 'kilocalorie', 1, 0],
    ['body_temperature', 'degF', 5 / 9, -160 / 9],
    ['body_temperature', '°F', 5 / 9, -160 / 9],
    ['body_temperature', '°C', 1, 0],
    ['blood_glucose', 'mmol/L', 18.0156, 0],
    ['blood_glucose', 'mmol/l', 18.0156, 0],
    ['blood_glucose', 'mmol<180.1558800000541>/L', 18.0156, 0],
    ['blood_glucose', 'mg/dl', 1, 0],
    ['workout_duration', 'sec', 1, 0],
    ['workout_duration', 'min', 60, 0],
    ['workout_duration', 'h', 3600, 0],
  ])('%s accepts %s', (code, unit, factor, offset) => {
    expect(resolveUnit(catalog, metric(code), unit)).toEqual({ factor, offset });
  });

  test.each([
    ['heart_rate', 'kg'],
    ['weight', 'count/min'],
    ['weight', 'KG'],
    ['steps', ''],
    ['sleep_stage', 'count'],
    ['distance', 'toString'],
  ])('%s refuses %p', (code, unit) => {
    expect(resolveUnit(catalog, metric(code), unit)).toBeUndefined();
  });
});

describe('resolveCategory', () => {
  test.each([
    ['deep', 'deep'],
    ['in_bed', 'in_bed'],
    ['HKCategoryValueSleepAnalysisInBed', 'in_bed'],
    ['HKCategoryValueSleepAnalysisAsleep', 'asleep'],
    ['HKCategoryValueSleepAnalysisAsleepUnspecified', 'asleep'],
    ['HKCategoryValueSleepAnalysisAwake', 'awake'],
    ['HKCategoryValueSleepAnalysisAsleepCore', 'core'],
    ['HKCategoryValueSleepAnalysisAsleepDeep', 'deep'],
    ['HKCategoryValueSleepAnalysisAsleepREM', 'rem'],
    ['STAGE_TYPE_AWAKE', 'awake'],
    ['STAGE_TYPE_SLEEPING', 'asleep'],
    ['STAGE_TYPE_LIGHT', 'core'],
    ['STAGE_TYPE_DEEP', 'deep'],
    ['STAGE_TYPE_REM', 'rem'],
    ['STAGE_TYPE_OUT_OF_BED', 'awake'],
    ['STAGE_TYPE_AWAKE_IN_BED', 'awake'],
  ])('%s → %s', (code, category) => {
    expect(resolveCategory(catalog, metric('sleep_stage'), code)).toBe(category);
  });

  test.each(['STAGE_TYPE_UNKNOWN', 'DEEP', 'light', ''])('%p is no category', (code) => {
    expect(resolveCategory(catalog, metric('sleep_stage'), code)).toBeUndefined();
  });

  test('numeric metrics have no categories', () => {
    expect(resolveCategory(catalog, metric('heart_rate'), 'deep')).toBeUndefined();
  });
});

describe('catalogToJson', () => {
  const json = catalogToJson(catalog);

  test('lists every metric in the documented shape', () => {
    expect(json.metrics.map((m) => m.code)).toEqual([
      'heart_rate', 'steps', 'distance', 'active_energy', 'weight', 'body_temperature', 'blood_glucose', 'workout_duration', 'sleep_stage',
    ]);
    expect(json.metrics[0]).toEqual({
      code: 'heart_rate',
      kind: 'SCALAR_NUM',
      canonicalUnit: 'bpm',
      units: ['bpm', 'count/min', 'beats/min', '/min'],
      bounds: { min: 20, max: 300 },
      categories: null,
      requiresTimezone: false,
      aliases: ['HKQuantityTypeIdentifierHeartRate', 'HeartRateRecord'],
    });
    expect(json.metrics.at(-1)).toMatchObject({ code: 'sleep_stage', canonicalUnit: null, units: [], bounds: null, requiresTimezone: true });
  });

  test('survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
