// Table-driven checks over the whole shipped catalog: every type a current iPhone + Apple Watch
// or Health Connect phone writes resolves (lists from the iOS 26 SDK headers and
// androidx.health.connect.client.records, kept here independently of the YAML); every alias
// resolves to its metric in its platform's scope; every unit spelling of every scope converts to
// canonical and back within 1e-9 relative; every category name and raw value maps.
import { describe, expect, test } from 'bun:test';
import { categoryIn, defaultCatalog, resolveMetricScope, scopeOf, unitIn } from '../../../../src/domain/catalog/catalog.ts';
import { PLATFORMS } from '../../../../src/domain/catalog/platforms.ts';
import { fromCanonical, toCanonical } from '../../../../src/domain/catalog/units.ts';

const catalog = defaultCatalog;

const HEALTHKIT_QUANTITY_TYPES = `
  ActiveEnergyBurned AppleExerciseTime AppleMoveTime AppleSleepingBreathingDisturbances
  AppleSleepingWristTemperature AppleStandTime AppleWalkingSteadiness AtrialFibrillationBurden
  BasalBodyTemperature BasalEnergyBurned BloodAlcoholContent BloodGlucose BloodPressureDiastolic
  BloodPressureSystolic BodyFatPercentage BodyMass BodyMassIndex BodyTemperature
  CrossCountrySkiingSpeed CyclingCadence CyclingFunctionalThresholdPower CyclingPower CyclingSpeed
  DietaryBiotin DietaryCaffeine DietaryCalcium DietaryCarbohydrates DietaryChloride DietaryCholesterol
  DietaryChromium DietaryCopper DietaryEnergyConsumed DietaryFatMonounsaturated
  DietaryFatPolyunsaturated DietaryFatSaturated DietaryFatTotal DietaryFiber DietaryFolate
  DietaryIodine DietaryIron DietaryMagnesium DietaryManganese DietaryMolybdenum DietaryNiacin
  DietaryPantothenicAcid DietaryPhosphorus DietaryPotassium DietaryProtein DietaryRiboflavin
  DietarySelenium DietarySodium DietarySugar DietaryThiamin DietaryVitaminA DietaryVitaminB12
  DietaryVitaminB6 DietaryVitaminC DietaryVitaminD DietaryVitaminE DietaryVitaminK DietaryWater
  DietaryZinc DistanceCrossCountrySkiing DistanceCycling DistanceDownhillSnowSports
  DistancePaddleSports DistanceRowing DistanceSkatingSports DistanceSwimming DistanceWalkingRunning
  DistanceWheelchair ElectrodermalActivity EnvironmentalAudioExposure EnvironmentalSoundReduction
  EstimatedWorkoutEffortScore FlightsClimbed ForcedExpiratoryVolume1 ForcedVitalCapacity
  HeadphoneAudioExposure HeartRate HeartRateRecoveryOneMinute HeartRateVariabilitySDNN Height
  InhalerUsage InsulinDelivery LeanBodyMass NikeFuel NumberOfAlcoholicBeverages NumberOfTimesFallen
  OxygenSaturation PaddleSportsSpeed PeakExpiratoryFlowRate PeripheralPerfusionIndex PhysicalEffort
  PushCount RespiratoryRate RestingHeartRate RowingSpeed RunningGroundContactTime RunningPower
  RunningSpeed RunningStrideLength RunningVerticalOscillation SixMinuteWalkTestDistance
  StairAscentSpeed StairDescentSpeed StepCount SwimmingStrokeCount TimeInDaylight UVExposure
  UnderwaterDepth VO2Max WaistCircumference WalkingAsymmetryPercentage WalkingDoubleSupportPercentage
  WalkingHeartRateAverage WalkingSpeed WalkingStepLength WaterTemperature WorkoutEffortScore
`.split(/\s+/).filter(Boolean);
const HEALTHKIT_CATEGORY_TYPES = `
  AbdominalCramps Acne AppetiteChanges AppleStandHour AppleWalkingSteadinessEvent AudioExposureEvent
  BladderIncontinence BleedingAfterPregnancy BleedingDuringPregnancy Bloating BreastPain
  CervicalMucusQuality ChestTightnessOrPain Chills Constipation Contraceptive Coughing Diarrhea
  Dizziness DrySkin EnvironmentalAudioExposureEvent Fainting Fatigue Fever GeneralizedBodyAche
  HairLoss HandwashingEvent Headache HeadphoneAudioExposureEvent Heartburn HighHeartRateEvent
  HotFlashes HypertensionEvent InfrequentMenstrualCycles IntermenstrualBleeding
  IrregularHeartRhythmEvent IrregularMenstrualCycles Lactation LossOfSmell LossOfTaste
  LowCardioFitnessEvent LowHeartRateEvent LowerBackPain MemoryLapse MenstrualFlow MindfulSession
  MoodChanges Nausea NightSweats OvulationTestResult PelvicPain PersistentIntermenstrualBleeding
  Pregnancy PregnancyTestResult ProgesteroneTestResult ProlongedMenstrualPeriods
  RapidPoundingOrFlutteringHeartbeat RunnyNose SexualActivity ShortnessOfBreath SinusCongestion
  SkippedHeartbeat SleepAnalysis SleepApneaEvent SleepChanges SoreThroat ToothbrushingEvent
  VaginalDryness Vomiting Wheezing
`.split(/\s+/).filter(Boolean);
/** Every record type of androidx.health.connect.client.records that holds samples (one value each). */
const HEALTH_CONNECT_SINGLE_VALUE_RECORDS = [
  'ActiveCaloriesBurnedRecord', 'ActivityIntensityRecord', 'BasalBodyTemperatureRecord', 'BasalMetabolicRateRecord',
  'BloodGlucoseRecord', 'BodyFatRecord', 'BodyTemperatureRecord', 'BodyWaterMassRecord', 'BoneMassRecord',
  'CyclingPedalingCadenceRecord', 'DistanceRecord', 'ElevationGainedRecord', 'ExerciseSessionRecord', 'FloorsClimbedRecord',
  'HeartRateRecord', 'HeartRateVariabilityRmssdRecord', 'HeightRecord', 'HydrationRecord', 'IntermenstrualBleedingRecord',
  'LeanBodyMassRecord', 'MenstruationFlowRecord', 'MenstruationPeriodRecord', 'MindfulnessSessionRecord',
  'OvulationTestRecord', 'OxygenSaturationRecord', 'PowerRecord', 'RespiratoryRateRecord', 'RestingHeartRateRecord',
  'SexualActivityRecord', 'SleepSessionRecord', 'SpeedRecord', 'StepsCadenceRecord', 'StepsRecord',
  'TotalCaloriesBurnedRecord', 'Vo2MaxRecord', 'WeightRecord', 'WheelchairPushesRecord',
];
/** Records with several values: one metric per value, named Record.field. */
const HEALTH_CONNECT_MULTI_VALUE_FIELDS: Record<string, string[]> = {
  BloodPressureRecord: ['systolic', 'diastolic'],
  CervicalMucusRecord: ['appearance', 'sensation'],
  SkinTemperatureRecord: ['baseline', 'delta'],
  NutritionRecord: [
    'biotin', 'caffeine', 'calcium', 'energy', 'energyFromFat', 'chloride', 'cholesterol', 'chromium', 'copper',
    'dietaryFiber', 'folate', 'folicAcid', 'iodine', 'iron', 'magnesium', 'manganese', 'molybdenum',
    'monounsaturatedFat', 'niacin', 'pantothenicAcid', 'phosphorus', 'polyunsaturatedFat', 'potassium', 'protein',
    'riboflavin', 'saturatedFat', 'selenium', 'sodium', 'sugar', 'thiamin', 'totalCarbohydrate', 'totalFat',
    'transFat', 'unsaturatedFat', 'vitaminA', 'vitaminB12', 'vitaminB6', 'vitaminC', 'vitaminD', 'vitaminE',
    'vitaminK', 'zinc',
  ],
};

describe('every type the platforms write resolves, in its platform\'s scope', () => {
  const expected: [string, string][] = [
    ...HEALTHKIT_QUANTITY_TYPES.map((name) => [`HKQuantityTypeIdentifier${name}`, 'healthkit'] as [string, string]),
    ...HEALTHKIT_CATEGORY_TYPES.map((name) => [`HKCategoryTypeIdentifier${name}`, 'healthkit'] as [string, string]),
    ['HKWorkoutTypeIdentifier', 'healthkit'],
    ...HEALTH_CONNECT_SINGLE_VALUE_RECORDS.map((name) => [name, 'healthconnect'] as [string, string]),
    ...Object.entries(HEALTH_CONNECT_MULTI_VALUE_FIELDS).flatMap(([record, fields]) =>
      fields.map((field) => [`${record}.${field}`, 'healthconnect'] as [string, string])),
  ];

  test('the lists are complete (120 quantity and 70 category types of the iOS 26 SDK)', () => {
    expect(HEALTHKIT_QUANTITY_TYPES).toHaveLength(120);
    expect(HEALTHKIT_CATEGORY_TYPES).toHaveLength(70);
  });

  test.each(expected)('%s', (name, platform) => {
    expect(resolveMetricScope(catalog, name)?.platform).toBe(platform as 'healthkit' | 'healthconnect');
  });

  test('one record with several values names a distinct metric per value', () => {
    for (const [record, fields] of Object.entries(HEALTH_CONNECT_MULTI_VALUE_FIELDS)) {
      const codes = fields.map((field) => resolveMetricScope(catalog, `${record}.${field}`)?.metric.code);
      expect(new Set(codes).size).toBe(fields.length);
    }
  });
});

describe('every alias of every metric resolves to it', () => {
  const names = catalog.metrics.flatMap((metric) => [
    [metric.code, metric.code, null] as const,
    ...PLATFORMS.flatMap((platform) => (metric.platforms[platform]?.aliases ?? []).map((alias) => [alias, metric.code, platform] as const)),
  ]);

  test.each(names)('%s → %s (%s)', (name, code, platform) => {
    const scope = resolveMetricScope(catalog, name);
    expect(scope?.metric.code).toBe(code);
    expect(scope?.platform).toBe(platform);
  });

  test('the canonical codes are unique snake_case', () => {
    const codes = catalog.metrics.map((metric) => metric.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
  });
});

describe('every unit spelling of every scope converts to canonical and back within 1e-9', () => {
  const spellings = catalog.metrics.flatMap((metric) =>
    [null, ...PLATFORMS].flatMap((platform) => {
      const scope = scopeOf(catalog, metric, platform);
      if (platform !== null && scope.platform !== platform) return [];
      return [...scope.units].map(([unit, conversion]) => [`${metric.code} ${platform ?? 'canonical'} ${unit}`, conversion] as const);
    }),
  );
  // A deterministic spread of magnitudes, signs and fractions (no clock, no Math.random).
  const values = Array.from({ length: 60 }, (_, i) => ((i % 2 === 0 ? 1 : -1) * ((i * 7919) % 100_003)) / 10 ** (i % 7));

  test('there are spellings to check', () => {
    expect(spellings.length).toBeGreaterThan(1000);
  });

  test.each(spellings)('%s', (_, conversion) => {
    for (const value of values) {
      const back = fromCanonical(toCanonical(value, conversion), conversion);
      expect(Math.abs(back - value)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value)));
    }
  });

  test('the canonical unit of every numeric metric is accepted everywhere at factor 1', () => {
    for (const metric of catalog.metrics) {
      if (metric.canonicalUnit === null) continue;
      expect(unitIn(scopeOf(catalog, metric), metric.canonicalUnit)).toEqual({ factor: 1, offset: 0 });
    }
  });
});

describe('every category value maps, per platform', () => {
  const values = catalog.metrics.flatMap((metric) =>
    PLATFORMS.flatMap((platform) =>
      (metric.platforms[platform]?.categoryValues ?? []).map((value) => [metric.code, platform, value] as const),
    ),
  );

  test.each(values)('%s %s %o', (code, platform, { name, value, category }) => {
    const metric = catalog.metricsByName.get(code)!;
    const scope = scopeOf(catalog, metric, platform);
    expect(categoryIn(scope, name)).toBe(category);
    expect(categoryIn(scopeOf(catalog, metric), name)).toBe(category);
    if (value !== null) {
      expect(categoryIn(scope, value)).toBe(category);
      expect(categoryIn(scope, String(value))).toBe(category);
      // integers are read only through the platform's aliases: the canonical code refuses them
      expect(categoryIn(scopeOf(catalog, metric), value)).toBeUndefined();
    }
  });

  test.each(catalog.metrics.filter((metric) => metric.categories !== null).map((metric) => [metric.code, metric] as const))(
    '%s: its canonical codes are accepted in every scope',
    (_, metric) => {
      for (const platform of [null, ...PLATFORMS]) {
        for (const category of metric.categories!) expect(categoryIn(scopeOf(catalog, metric, platform), category)).toBe(category);
      }
    },
  );

  test('single-valued HealthKit types (HKCategoryValueNotApplicable) are storable without a category', () => {
    for (const metric of catalog.metrics) {
      const healthkit = metric.platforms.healthkit;
      if (healthkit === null || healthkit.categoryValues.length === 0) continue;
      if (healthkit.categoryValues.every((value) => value.name === 'HKCategoryValueNotApplicable')) {
        expect(scopeOf(catalog, metric, 'healthkit').defaultCategory, metric.code).not.toBeNull();
      }
    }
  });
});
