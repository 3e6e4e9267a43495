// A year of one heavy Apple Watch user, as HealthKit hands it to an app: heart rate every 3
// minutes, heart rate every 5 s during four 45-minute workouts a week, steps and distance every
// 10 minutes of the waking day (07:00–23:00), and ~25 sleep stages a night. ≈ 367k samples; `scale`
// thins every series (0.5 → about half). Every sample has its own sourceRecordId (HealthKit's
// UUIDs), so an SDK upload never holds a batch back for an earlier one.
import type { SampleInput } from '../../src/client/index.ts';

const YEAR_START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;
const MINUTE = 60_000;
const WATCH = 'com.apple.health.8C1B2D3E-4F50-4A6B-9C8D-7E6F5A4B3C2D';
const SLEEP_STAGES = ['core', 'deep', 'core', 'rem', 'awake'] as const;

export function heavyWatchYear(scale = 1, recordPrefix = 'w'): SampleInput[] {
  const samples: SampleInput[] = [];
  let serial = 0;
  const id = () => `${recordPrefix}-${(serial++).toString(36)}-${serial % 7919}`;
  const every = (ms: number) => Math.max(1, Math.round(ms / scale));
  const metadata = { deviceModel: 'Watch7,1', osVersion: '17.4' };
  for (let t = YEAR_START; t < YEAR_START + 365 * DAY; t += every(3 * MINUTE)) {
    samples.push({ sourceId: WATCH, sourceRecordId: id(), metricCode: 'heart_rate', valueKind: 'SCALAR_NUM', value: 55 + (serial % 40), unit: 'count/min', startAt: new Date(t).toISOString(), timezoneOffsetMinutes: 60, metadata });
  }
  for (let day = 0; day < 365; day++) {
    const midnight = YEAR_START + day * DAY;
    if (day % 7 < 4) {
      const start = midnight + 17 * 60 * MINUTE;
      for (let t = start; t < start + 45 * MINUTE; t += every(5_000)) {
        samples.push({ sourceId: WATCH, sourceRecordId: id(), metricCode: 'heart_rate', valueKind: 'SCALAR_NUM', value: 120 + (serial % 50), unit: 'count/min', startAt: new Date(t).toISOString(), timezoneOffsetMinutes: 60, metadata: { ...metadata, workout: true } });
      }
    }
    for (let t = midnight + 7 * 60 * MINUTE; t < midnight + 23 * 60 * MINUTE; t += every(10 * MINUTE)) {
      const endAt = new Date(t + 10 * MINUTE - 1000).toISOString();
      samples.push({ sourceId: WATCH, sourceRecordId: id(), metricCode: 'steps', valueKind: 'CUMULATIVE_NUM', value: serial % 900, unit: 'count', startAt: new Date(t).toISOString(), endAt, timezoneOffsetMinutes: 60, metadata });
      samples.push({ sourceId: WATCH, sourceRecordId: id(), metricCode: 'distance', valueKind: 'CUMULATIVE_NUM', value: (serial % 700) / 1000, unit: 'km', startAt: new Date(t).toISOString(), endAt, timezoneOffsetMinutes: 60, metadata });
    }
    const nightStart = midnight - 60 * MINUTE;
    const stages = Math.max(1, Math.round(25 * scale));
    const stageLength = Math.floor((8 * 60 * MINUTE) / stages);
    for (let s = 0; s < stages; s++) {
      const startMs = nightStart + s * stageLength;
      samples.push({ sourceId: WATCH, sourceRecordId: id(), metricCode: 'sleep_stage', valueKind: 'CATEGORY', categoryCode: SLEEP_STAGES[s % SLEEP_STAGES.length], startAt: new Date(startMs).toISOString(), endAt: new Date(startMs + stageLength).toISOString(), timezoneOffsetMinutes: 60, metadata });
    }
  }
  return samples;
}
