// Realistic upload bodies (a mix of metrics, metadata, per-sample offsets) with correct hashes.
import { computePayloadHash } from '../../src/domain/ingest/payload-hash.ts';

let serial = 0;

export function realisticSample(startMs: number): Record<string, unknown> {
  serial++;
  const kinds = [
    { metricCode: 'HKQuantityTypeIdentifierHeartRate', valueKind: 'SCALAR_NUM', value: 55 + (serial % 60), unit: 'count/min' },
    { metricCode: 'steps', valueKind: 'CUMULATIVE_NUM', value: serial % 900, unit: 'count' },
    { metricCode: 'distance', valueKind: 'CUMULATIVE_NUM', value: (serial % 500) / 10, unit: 'km' },
    { metricCode: 'active_energy', valueKind: 'CUMULATIVE_NUM', value: (serial % 300) / 3, unit: 'kcal' },
  ] as const;
  return {
    sourceId: 'com.apple.health.8C1B2D3E-4F50-4A6B-9C8D-7E6F5A4B3C2D',
    sourceRecordId: `${serial.toString(36)}-${crypto.randomUUID()}`,
    ...kinds[serial % kinds.length]!,
    startAt: new Date(startMs).toISOString(),
    endAt: new Date(startMs + 60_000).toISOString(),
    timezoneOffsetMinutes: 60,
    metadata: { deviceModel: 'Watch7,1', osVersion: '17.4', wasUserEntered: false },
  };
}

export function uploadBody(size: number, startMs = Date.UTC(2026, 10, 1)): string {
  const samples = Array.from({ length: size }, (_, i) => realisticSample(startMs + i * 60_000));
  return JSON.stringify({ requestId: crypto.randomUUID(), payloadHash: computePayloadHash(samples, []), samples });
}
