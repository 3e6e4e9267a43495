import { describe, expect, test } from 'bun:test';
import { categoryIn, defaultCatalog, isKnownMetricCode, resolveCategory, resolveMetric, resolveMetricScope, resolveUnit } from '../../../../src/domain/catalog/catalog.ts';
import type { MetricDefinition } from '../../../../src/domain/catalog/catalog-types.ts';
import { catalogToJson } from '../../../../src/domain/catalog/catalog-json.ts';

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

  test('heart_rate accepts count/min and count/s; workout_duration min and h', () => {
    expect(resolveUnit(catalog, metric('heart_rate'), 'count/min')).toEqual({ factor: 1, offset: 0 });
    expect(resolveUnit(catalog, metric('heart_rate'), 'count/s')).toEqual({ factor: 60, offset: 0 });
    expect(resolveUnit(catalog, metric('workout_duration'), 'min')).toEqual({ factor: 60, offset: 0 });
    expect(resolveUnit(catalog, metric('workout_duration'), 'h')).toEqual({ factor: 3600, offset: 0 });
    expect(metric('workout_duration').aliases).toEqual([]);
  });

  test('workout: INTERVAL_NUM in s whose categories are the activity', () => {
    const workout = metric('workout');
    expect(workout).toMatchObject({ kind: 'INTERVAL_NUM', canonicalUnit: 's', defaultCategory: 'other' });
    expect(workout.aliases).toEqual(['HKWorkoutTypeIdentifier', 'ExerciseSessionRecord']);
    expect(workout.categories).toContain('running');
    expect(workout.categories).toContain('cycling');
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
    ['HKWorkoutTypeIdentifier', 'workout'],
    ['ExerciseSessionRecord', 'workout'],
    ['BloodPressureRecord.systolic', 'blood_pressure_systolic'],
    ['HKQuantityTypeIdentifierBloodPressureDiastolic', 'blood_pressure_diastolic'],
    ['NutritionRecord.protein', 'dietary_protein'],
    ['HKQuantityTypeIdentifierNikeFuel', 'nike_fuel'],
    ['HKCategoryTypeIdentifierSleepAnalysis', 'sleep_stage'],
    ['SleepSessionRecord', 'sleep_stage'],
  ])('%s → %s', (name, code) => {
    expect(resolveMetric(catalog, name)?.code).toBe(code);
    expect(isKnownMetricCode(catalog, name)).toBe(true);
  });

  test.each(['Heart_Rate', 'heartrate', '', 'toString', '__proto__', 'constructor', 'BloodPressureRecord', 'NutritionRecord', 'HKCorrelationTypeIdentifierBloodPressure'])('%p is unknown', (name) => {
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
    ['heart_rate', 'count/s', 60, 0],
    ['heart_rate', 'beatsPerMinute', 1, 0],
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
    ['workout_duration', 'hr', 3600, 0],
    ['body_fat_percentage', '%', 1, 0],
    ['body_fat_percentage', 'percent', 1, 0],
    ['vo2_max', 'mL/min·kg', 1, 0],
    ['physical_effort', 'kcal/hr·kg', 1, 0],
    ['environmental_audio_exposure', 'dBASPL', 1, 0],
    ['dietary_water', 'fl_oz_us', 29.5735295625, 0],
    ['height', 'cm', 0.01, 0],
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

describe('platform-scoped meaning (CONTRACT §4.6)', () => {
  test('HealthKit "%" is a fraction, Health Connect "percent" and the canonical "%" are percents', () => {
    const bodyFat = metric('body_fat_percentage');
    expect(resolveUnit(catalog, bodyFat, '%', 'healthkit')).toEqual({ factor: 100, offset: 0 });
    expect(resolveUnit(catalog, bodyFat, 'percent', 'healthconnect')).toEqual({ factor: 1, offset: 0 });
    expect(resolveUnit(catalog, bodyFat, '%')).toEqual({ factor: 1, offset: 0 });
    expect(resolveMetricScope(catalog, 'HKQuantityTypeIdentifierBodyFatPercentage')?.units.get('%')).toEqual({ factor: 100, offset: 0 });
  });

  test('Health Connect mmol/L glucose converts with its own factor 18', () => {
    expect(resolveUnit(catalog, metric('blood_glucose'), 'mmol/L', 'healthconnect')).toEqual({ factor: 18, offset: 0 });
    expect(resolveUnit(catalog, metric('blood_glucose'), 'mmol/L', 'healthkit')).toEqual({ factor: 18.0156, offset: 0 });
  });

  test.each<[string, string | number, string | undefined]>([
    ['HKCategoryTypeIdentifierSleepAnalysis', 3, 'core'],
    ['HKCategoryTypeIdentifierSleepAnalysis', '3', 'core'],
    ['HKCategoryTypeIdentifierSleepAnalysis', 0, 'in_bed'],
    ['HKCategoryTypeIdentifierSleepAnalysis', 1, 'asleep'],
    ['HKCategoryTypeIdentifierSleepAnalysis', 5, 'rem'],
    ['HKCategoryTypeIdentifierSleepAnalysis', 6, undefined],
    ['HKCategoryTypeIdentifierSleepAnalysis', 'STAGE_TYPE_DEEP', undefined],
    ['SleepSessionRecord', 5, 'deep'],
    ['SleepSessionRecord', 3, 'awake'],
    ['SleepSessionRecord', 0, undefined],
    ['SleepSessionRecord', 'HKCategoryValueSleepAnalysisAsleepCore', undefined],
    ['sleep_stage', 3, undefined],
    ['sleep_stage', 'HKCategoryValueSleepAnalysisAsleepCore', 'core'],
    ['sleep_stage', 'STAGE_TYPE_DEEP', 'deep'],
    ['HKWorkoutTypeIdentifier', 37, 'running'],
    ['HKWorkoutTypeIdentifier', 'HKWorkoutActivityTypeRunning', 'running'],
    ['ExerciseSessionRecord', 56, 'running'],
    ['ExerciseSessionRecord', 'EXERCISE_TYPE_BIKING', 'cycling'],
    ['HKWorkoutTypeIdentifier', 3000, 'other'],
    ['HKCategoryTypeIdentifierHeadache', 3, 'moderate'],
    ['MenstruationFlowRecord', 1, 'light'],
    ['HKCategoryTypeIdentifierMenstrualFlow', 1, 'unspecified'],
  ])('%s reads %p as %p', (name, code, category) => {
    expect(categoryIn(resolveMetricScope(catalog, name)!, code)).toBe(category);
  });

  test('single-valued types store without a categoryCode', () => {
    expect(resolveMetricScope(catalog, 'HKCategoryTypeIdentifierMindfulSession')?.defaultCategory).toBe('unspecified');
    expect(resolveMetricScope(catalog, 'HKCategoryTypeIdentifierHighHeartRateEvent')?.defaultCategory).toBe('occurred');
    expect(resolveMetricScope(catalog, 'SleepSessionRecord')?.defaultCategory).toBe('in_bed');
    expect(resolveMetricScope(catalog, 'HKCategoryTypeIdentifierSleepAnalysis')?.defaultCategory).toBeNull();
    expect(resolveMetricScope(catalog, 'sleep_stage')?.defaultCategory).toBeNull();
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
    expect(json.metrics.map((m) => m.code)).toEqual(catalog.metrics.map((m) => m.code));
    expect(json.metrics.slice(0, 7).map((m) => m.code)).toEqual([
      'heart_rate', 'steps', 'distance', 'active_energy', 'weight', 'body_temperature', 'blood_glucose',
    ]);
    expect(json.metrics[0]).toEqual({
      code: 'heart_rate',
      kind: 'SCALAR_NUM',
      canonicalUnit: 'bpm',
      units: ['bpm', 'count/min', 'count/s', 'beats/min', '/min', 'beatsPerMinute'],
      bounds: { min: 20, max: 300 },
      categories: null,
      defaultCategory: null,
      requiresTimezone: false,
      aliases: ['HKQuantityTypeIdentifierHeartRate', 'HeartRateRecord'],
      platforms: {
        healthkit: { aliases: ['HKQuantityTypeIdentifierHeartRate'], unitOverrides: {}, categories: [], defaultCategory: null },
        healthconnect: { aliases: ['HeartRateRecord'], unitOverrides: {}, categories: [], defaultCategory: null },
      },
    });
    const sleep = json.metrics.find((m) => m.code === 'sleep_stage')!;
    expect(sleep).toMatchObject({ canonicalUnit: null, units: [], bounds: null, requiresTimezone: true });
    expect(sleep.platforms.healthkit?.categories).toContainEqual({ name: 'HKCategoryValueSleepAnalysisAsleepCore', value: 3, category: 'core' });
    expect(sleep.platforms.healthconnect).toMatchObject({ aliases: ['SleepSessionRecord', 'SleepStageRecord'], defaultCategory: 'in_bed' });
    const bodyFat = json.metrics.find((m) => m.code === 'body_fat_percentage')!;
    expect(bodyFat.platforms.healthkit?.unitOverrides).toEqual({ '%': { factor: 100, offset: 0 } });
    expect(json.metrics.find((m) => m.code === 'total_energy')!.platforms.healthkit).toBeNull();
  });

  test('survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
