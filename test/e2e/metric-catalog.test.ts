// CONTRACT §5 and §4.6 through HTTP: the catalog covers the platforms, platform aliases read with
// their platform's meaning, a workout keeps its activity, single-valued categories store bare.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { batch, getJson, heartRate, upload } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.close();
});

async function freshToken() {
  return service.token(crypto.randomUUID());
}

describe('GET /api/v1/health/metrics', () => {
  test('lists every metric with its aliases per platform, units and category values', async () => {
    const response = await getJson(service.baseUrl, '/api/v1/health/metrics', await freshToken());
    expect(response.status).toBe(200);
    const byCode = Object.fromEntries(response.body.metrics.map((metric: any) => [metric.code, metric]));
    expect(Object.keys(byCode).length).toBeGreaterThan(200);
    expect(byCode.workout).toMatchObject({ kind: 'INTERVAL_NUM', canonicalUnit: 's', aliases: ['HKWorkoutTypeIdentifier', 'ExerciseSessionRecord'] });
    expect(byCode.blood_pressure_systolic.platforms.healthconnect.aliases).toEqual(['BloodPressureRecord.systolic']);
    expect(byCode.body_fat_percentage.platforms.healthkit.unitOverrides).toEqual({ '%': { factor: 100, offset: 0 } });
    expect(byCode.sleep_stage.platforms.healthkit.categories).toContainEqual({ name: 'HKCategoryValueSleepAnalysisAsleepCore', value: 3, category: 'core' });
  });
});

describe('platform-scoped samples are stored with their canonical meaning', () => {
  test('HealthKit body fat as a fraction, Health Connect as a percent, a workout with its activity, a bare mindful session', async () => {
    const token = await freshToken();
    const samples = [
      heartRate({ sourceRecordId: 'fat-hk', metricCode: 'HKQuantityTypeIdentifierBodyFatPercentage', value: 0.215, unit: '%' }),
      heartRate({ sourceRecordId: 'fat-hc', metricCode: 'BodyFatRecord', value: 21.5, unit: 'percent', startAt: '2026-11-20T08:00:00Z' }),
      heartRate({ sourceRecordId: 'hr-s', metricCode: 'HKQuantityTypeIdentifierHeartRate', value: 1.2, unit: 'count/s' }),
      {
        ...heartRate({ sourceRecordId: 'run', metricCode: 'HKWorkoutTypeIdentifier', valueKind: 'INTERVAL_NUM', value: 45, unit: 'min' }),
        durationSeconds: 2700, categoryCode: '37', endAt: '2026-11-20T08:00:00Z',
      },
      {
        sourceId: 'com.apple.health.8C1B', sourceRecordId: 'calm', metricCode: 'HKCategoryTypeIdentifierMindfulSession',
        valueKind: 'CATEGORY', startAt: '2026-11-20T09:00:00Z', endAt: '2026-11-20T09:10:00Z', timezoneOffsetMinutes: 60,
      },
      {
        sourceId: 'com.apple.health.8C1B', sourceRecordId: 'night', metricCode: 'HKCategoryTypeIdentifierSleepAnalysis',
        valueKind: 'CATEGORY', categoryCode: '3', startAt: '2026-11-20T01:00:00Z', endAt: '2026-11-20T02:00:00Z', timezoneOffsetMinutes: 60,
      },
    ];
    const response = await upload(service.baseUrl, token, batch(samples));
    expect(response.body.failed).toEqual([]);
    expect(response.status).toBe(200);
    const page = await getJson(service.baseUrl, '/api/v1/health/samples', token);
    const byId = Object.fromEntries(page.body.items.map((item: any) => [item.sourceRecordId, item]));
    expect(byId['fat-hk']).toMatchObject({ metricCode: 'body_fat_percentage', unit: '%' });
    expect(byId['fat-hk'].value).toBeCloseTo(21.5, 9);
    expect(byId['fat-hc']).toMatchObject({ metricCode: 'body_fat_percentage', value: 21.5, unit: '%' });
    expect(byId['hr-s']).toMatchObject({ metricCode: 'heart_rate', unit: 'bpm' });
    expect(byId['hr-s'].value).toBeCloseTo(72, 9);
    expect(byId.run).toMatchObject({ metricCode: 'workout', valueKind: 'INTERVAL_NUM', value: 2700, unit: 's', categoryCode: 'running' });
    expect(byId.calm).toMatchObject({ metricCode: 'mindful_session', categoryCode: 'unspecified' });
    expect(byId.night).toMatchObject({ metricCode: 'sleep_stage', categoryCode: 'core' });
  });
});
