// Long series of valid samples, as an app would upload a year of history: heart rate every
// ~10.5 minutes (50,000 a year) from a watch, optionally with daily step counts from a phone.
import type { SampleInput } from '../../src/client/index.ts';

const YEAR_START = Date.UTC(2025, 10, 21);
const YEAR_MS = 365 * 24 * 3600 * 1000;

export function heartRateYear(count: number, options: { recordPrefix?: string } = {}): SampleInput[] {
  const step = Math.floor(YEAR_MS / count);
  return Array.from({ length: count }, (_, i) => ({
    sourceId: 'com.apple.health.watch',
    sourceRecordId: `${options.recordPrefix ?? 'hr'}-${i}`,
    metricCode: 'heart_rate',
    valueKind: 'SCALAR_NUM',
    value: 55 + ((i * 7) % 60),
    unit: 'count/min',
    startAt: new Date(YEAR_START + i * step).toISOString(),
    timezoneOffsetMinutes: 60,
    metadata: { deviceModel: 'Watch7,1' },
  }));
}

export function dailySteps(days: number): SampleInput[] {
  return Array.from({ length: days }, (_, i) => ({
    sourceId: 'com.apple.health.iphone',
    sourceRecordId: `steps-${i}`,
    metricCode: 'steps',
    valueKind: 'CUMULATIVE_NUM',
    value: 4000 + ((i * 331) % 9000),
    unit: 'count',
    startAt: new Date(YEAR_START + i * 86_400_000).toISOString(),
    endAt: new Date(YEAR_START + (i + 1) * 86_400_000 - 1000).toISOString(),
    timezoneOffsetMinutes: 60,
  }));
}
