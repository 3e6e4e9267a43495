// Bounds are physiologically honest: every numeric metric's bounds hold a typical value, and a
// typical reading as the platform writes it (unit and meaning as sent) lands on it after
// conversion. A metric added to the catalog without a typical value here fails the first test.
import { describe, expect, test } from 'bun:test';
import { defaultCatalog, resolveMetricScope, unitIn } from '../../../../src/domain/catalog/catalog.ts';
import { toCanonical } from '../../../../src/domain/catalog/units.ts';

/** A typical value of each numeric metric, in its canonical unit. */
const TYPICAL: Record<string, number> = {
  heart_rate: 72, steps: 800, distance: 650, active_energy: 35, weight: 72.5, body_temperature: 36.8,
  blood_glucose: 95, workout_duration: 1800, workout: 2700, basal_energy: 70, total_energy: 2300,
  basal_metabolic_rate: 1600, flights_climbed: 3, elevation_gained: 120, distance_cycling: 12000,
  distance_wheelchair: 800, distance_swimming: 1500, distance_downhill_snow_sports: 8000,
  distance_cross_country_skiing: 10000, distance_paddle_sports: 5000, distance_rowing: 2000,
  distance_skating_sports: 3000, push_count: 300, swimming_stroke_count: 40, nike_fuel: 250,
  apple_exercise_time: 60, apple_move_time: 60, apple_stand_time: 120, time_in_daylight: 600,
  physical_effort: 4.5, workout_effort_score: 6, estimated_workout_effort_score: 5, vo2_max: 45,
  speed: 3.2, walking_speed: 1.35, running_speed: 3.3, cycling_speed: 7.5, cross_country_skiing_speed: 4,
  paddle_sports_speed: 2, rowing_speed: 4, stair_ascent_speed: 0.4, stair_descent_speed: 0.5,
  steps_cadence: 110, cycling_cadence: 85, power: 180, cycling_power: 200,
  cycling_functional_threshold_power: 250, running_power: 260, running_stride_length: 1.1,
  running_vertical_oscillation: 8.5, running_ground_contact_time: 250, walking_step_length: 0.7,
  walking_asymmetry_percentage: 2, walking_double_support_percentage: 28, walking_steadiness: 85,
  six_minute_walk_test_distance: 550, number_of_times_fallen: 1, underwater_depth: 12,
  water_temperature: 21, resting_heart_rate: 60, walking_heart_rate_average: 95,
  heart_rate_recovery_one_minute: 25, heart_rate_variability_sdnn: 45, heart_rate_variability_rmssd: 40,
  respiratory_rate: 15, oxygen_saturation: 97, blood_pressure_systolic: 120, blood_pressure_diastolic: 80,
  basal_body_temperature: 36.5, sleeping_wrist_temperature: 34.5, skin_temperature_baseline: 33,
  skin_temperature_delta: -0.4, peripheral_perfusion_index: 3, electrodermal_activity: 5,
  forced_vital_capacity: 4.8, forced_expiratory_volume_1: 3.9, peak_expiratory_flow_rate: 500,
  inhaler_usage: 2, insulin_delivery: 6, blood_alcohol_content: 0.05, number_of_alcoholic_beverages: 2,
  atrial_fibrillation_burden: 2, sleeping_breathing_disturbances: 3, environmental_audio_exposure: 65,
  headphone_audio_exposure: 72, environmental_sound_reduction: 20, uv_exposure: 6, height: 1.75,
  body_mass_index: 23.4, body_fat_percentage: 21.5, lean_body_mass: 55, body_water_mass: 42,
  bone_mass: 3.1, waist_circumference: 0.84, dietary_energy: 650, dietary_energy_from_fat: 200,
  dietary_carbohydrates: 60, dietary_fiber: 8, dietary_sugar: 20, dietary_fat_total: 22,
  dietary_fat_saturated: 7, dietary_fat_monounsaturated: 9, dietary_fat_polyunsaturated: 5,
  dietary_fat_unsaturated: 14, dietary_fat_trans: 0.3, dietary_protein: 30, dietary_cholesterol: 90,
  dietary_sodium: 800, dietary_potassium: 900, dietary_calcium: 300, dietary_chloride: 1200,
  dietary_phosphorus: 350, dietary_magnesium: 110, dietary_iron: 4, dietary_zinc: 3.5,
  dietary_copper: 0.4, dietary_manganese: 0.8, dietary_caffeine: 95, dietary_vitamin_c: 45,
  dietary_vitamin_e: 4, dietary_vitamin_b6: 0.5, dietary_thiamin: 0.4, dietary_riboflavin: 0.5,
  dietary_niacin: 6, dietary_pantothenic_acid: 1.5, dietary_vitamin_a: 250, dietary_vitamin_b12: 1.2,
  dietary_vitamin_d: 5, dietary_vitamin_k: 40, dietary_folate: 120, dietary_folic_acid: 100,
  dietary_biotin: 10, dietary_iodine: 50, dietary_selenium: 20, dietary_chromium: 10,
  dietary_molybdenum: 15, dietary_water: 250,
};

const numericMetrics = defaultCatalog.metrics.filter((metric) => metric.kind !== 'CATEGORY');

describe('every numeric metric has honest bounds', () => {
  test('each numeric metric has a typical value in this table', () => {
    expect(numericMetrics.map((m) => m.code).filter((code) => TYPICAL[code] === undefined)).toEqual([]);
    expect(Object.keys(TYPICAL).filter((code) => !numericMetrics.some((m) => m.code === code))).toEqual([]);
  });

  test.each(numericMetrics.map((metric) => [metric.code, metric] as const))('%s holds its typical value', (code, metric) => {
    expect(metric.bounds).not.toBeNull();
    const typical = TYPICAL[code] as number;
    expect(typical).toBeGreaterThanOrEqual(metric.bounds!.min);
    expect(typical).toBeLessThanOrEqual(metric.bounds!.max);
  });
});

describe('a typical reading as the platform writes it lands on the typical value', () => {
  test.each<[string, string, number, number]>([
    ['HKQuantityTypeIdentifierBodyFatPercentage', '%', 0.215, 21.5],
    ['BodyFatRecord', 'percent', 21.5, 21.5],
    ['body_fat_percentage', '%', 21.5, 21.5],
    ['HKQuantityTypeIdentifierOxygenSaturation', '%', 0.97, 97],
    ['OxygenSaturationRecord', 'percent', 97, 97],
    ['HKQuantityTypeIdentifierWalkingDoubleSupportPercentage', '%', 0.28, 28],
    ['HKQuantityTypeIdentifierBloodAlcoholContent', '%', 0.0005, 0.05],
    ['HKQuantityTypeIdentifierHeartRate', 'count/s', 1.2, 72],
    ['HKQuantityTypeIdentifierRestingHeartRate', 'count/min', 60, 60],
    ['HeartRateRecord', 'beatsPerMinute', 72, 72],
    ['HKQuantityTypeIdentifierVO2Max', 'mL/min·kg', 45, 45],
    ['HKQuantityTypeIdentifierVO2Max', 'mL/(kg·min)', 45, 45],
    ['Vo2MaxRecord', 'millilitersPerMinuteKilogram', 45, 45],
    ['HKQuantityTypeIdentifierPhysicalEffort', 'kcal/hr·kg', 4.5, 4.5],
    ['HKQuantityTypeIdentifierBloodGlucose', 'mmol<180.1558800000541>/L', 5.3, 95.48268],
    ['BloodGlucoseRecord', 'millimolesPerLiter', 5.3, 95.4],
    ['HKQuantityTypeIdentifierEnvironmentalAudioExposure', 'dBASPL', 65, 65],
    ['HKQuantityTypeIdentifierDistanceWalkingRunning', 'mi', 0.5, 804.672],
    ['DistanceRecord', 'inMeters', 650, 650],
    ['HKQuantityTypeIdentifierHeight', 'ft', 5.75, 1.7526],
    ['HKQuantityTypeIdentifierHeight', 'in', 69, 1.7526],
    ['HKQuantityTypeIdentifierBodyMass', 'lb', 160, 72.5747792],
    ['WeightRecord', 'inKilograms', 72.5, 72.5],
    ['HKQuantityTypeIdentifierBodyTemperature', 'degF', 98.6, 37],
    ['BodyTemperatureRecord', 'celsius', 36.8, 36.8],
    ['HKQuantityTypeIdentifierDietaryEnergyConsumed', 'Cal', 650, 650],
    ['NutritionRecord.energy', 'inCalories', 650000, 650],
    ['ActiveCaloriesBurnedRecord', 'kilojoules', 146.44, 35],
    ['HKQuantityTypeIdentifierDietaryWater', 'fl_oz_us', 8, 236.5882365],
    ['HydrationRecord', 'liters', 0.25, 250],
    ['HKQuantityTypeIdentifierDietaryVitaminD', 'mcg', 5, 5],
    ['NutritionRecord.vitaminD', 'grams', 0.000005, 5],
    ['HKQuantityTypeIdentifierDietarySodium', 'mg', 800, 800],
    ['HKQuantityTypeIdentifierWalkingSpeed', 'km/hr', 4.86, 1.35],
    ['SpeedRecord', 'metersPerSecond', 3.2, 3.2],
    ['HKQuantityTypeIdentifierRunningGroundContactTime', 'ms', 250, 250],
    ['HKQuantityTypeIdentifierAppleExerciseTime', 'min', 1, 60],
    ['HKQuantityTypeIdentifierAppleSleepingWristTemperature', 'degC', 34.5, 34.5],
    ['SkinTemperatureRecord.delta', 'fahrenheit', -0.72, -0.4],
    ['BasalMetabolicRateRecord', 'kilocaloriesPerDay', 1600, 1600],
    ['BasalMetabolicRateRecord', 'watts', 77.48, 1600.0],
    ['HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', 120, 120],
    ['BloodPressureRecord.diastolic', 'millimetersOfMercury', 80, 80],
    ['HKQuantityTypeIdentifierBodyMassIndex', 'count', 23.4, 23.4],
    ['HKQuantityTypeIdentifierInsulinDelivery', 'IU', 6, 6],
    ['HKQuantityTypeIdentifierWorkoutEffortScore', 'appleEffortScore', 6, 6],
    ['HKQuantityTypeIdentifierPeakExpiratoryFlowRate', 'L/min', 500, 500],
    ['HKQuantityTypeIdentifierElectrodermalActivity', 'S', 0.000005, 5],
    ['HKWorkoutTypeIdentifier', 'min', 45, 2700],
    ['ExerciseSessionRecord', 's', 2700, 2700],
  ])('%s: %p %s', (name, unit, value, expected) => {
    const scope = resolveMetricScope(defaultCatalog, name);
    expect(scope).toBeDefined();
    const conversion = unitIn(scope!, unit);
    expect(conversion).toBeDefined();
    const canonical = toCanonical(value, conversion!);
    expect(canonical).toBeCloseTo(expected, name === 'BasalMetabolicRateRecord' ? 0 : 6);
    const { min, max } = scope!.metric.bounds!;
    expect(canonical >= min && canonical <= max).toBe(true);
  });
});
