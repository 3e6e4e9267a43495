// A sample's identity is (user, sourceId, sourceRecordId, metric, startAt) — CONTRACT §4.4, metric
// being the canonical code after alias resolution: one Health Connect record can carry several
// metrics under one id and time (a BloodPressureRecord is a systolic and a diastolic sample), and
// none may overwrite another. Within one batch the last occurrence of a key wins, and PostgreSQL
// refuses to update one row twice in a statement, so batches are deduplicated before writing.
// The result is sorted by key so that concurrent writers lock rows in the same order.

import type { NormalizedSample } from '../types.ts';

type KeyFields = Pick<NormalizedSample, 'sourceId' | 'sourceRecordId' | 'metricCode' | 'startAtMs'>;

/** One string per sample key; unambiguous because ids with NUL are refused (sample-shape.ts) and metric codes come from the catalog. */
export function sampleKey(sample: KeyFields): string {
  return `${sample.sourceId}\u0000${sample.sourceRecordId}\u0000${sample.metricCode}\u0000${sample.startAtMs}`;
}

/** The last occurrence of each key, sorted by (sourceId, sourceRecordId, startAtMs, metricCode). */
export function dedupeSamplesByKey(valid: readonly NormalizedSample[]): NormalizedSample[] {
  const lastByKey = new Map<string, NormalizedSample>();
  for (const sample of valid) lastByKey.set(sampleKey(sample), sample);
  return [...lastByKey.values()].sort(compareByKey);
}

/** Code-unit order of the ids, then time, then metric: any fixed total order works for lock ordering. */
function compareByKey(a: KeyFields, b: KeyFields): number {
  if (a.sourceId !== b.sourceId) return a.sourceId < b.sourceId ? -1 : 1;
  if (a.sourceRecordId !== b.sourceRecordId) return a.sourceRecordId < b.sourceRecordId ? -1 : 1;
  if (a.startAtMs !== b.startAtMs) return a.startAtMs - b.startAtMs;
  return a.metricCode < b.metricCode ? -1 : a.metricCode > b.metricCode ? 1 : 0;
}
