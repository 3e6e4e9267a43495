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

/** A batch's samples deduplicated by key, with what the write core needs to count them again. */
export interface DedupedSamples {
  /** the last occurrence of each key, sorted by (sourceId, sourceRecordId, startAtMs, metricCode) */
  rows: NormalizedSample[];
  /** each row by its key (each key built once per batch: building them was ~4 % of an upload's CPU) */
  byKey: ReadonlyMap<string, NormalizedSample>;
  /** how many samples a key had, for the keys sent more than once; null when none was */
  repeats: ReadonlyMap<string, number> | null;
  /** the samples before deduplication */
  sampleCount: number;
}

export function dedupedByKey(valid: readonly NormalizedSample[]): DedupedSamples {
  const byKey = new Map<string, NormalizedSample>();
  let repeats: Map<string, number> | null = null;
  for (const sample of valid) {
    const key = sampleKey(sample);
    if (byKey.has(key)) (repeats ??= new Map()).set(key, (repeats.get(key) ?? 1) + 1);
    byKey.set(key, sample);
  }
  return { rows: [...byKey.values()].sort(compareByKey), byKey, repeats, sampleCount: valid.length };
}

/** The last occurrence of each key, sorted by (sourceId, sourceRecordId, startAtMs, metricCode). */
export function dedupeSamplesByKey(valid: readonly NormalizedSample[]): NormalizedSample[] {
  return dedupedByKey(valid).rows;
}

/** How many of the samples before deduplication had this key (0 when none). */
export function samplesWithKey(deduped: DedupedSamples, key: string): number {
  return deduped.byKey.has(key) ? (deduped.repeats?.get(key) ?? 1) : 0;
}

/** Code-unit order of the ids, then time, then metric: any fixed total order works for lock ordering. */
function compareByKey(a: KeyFields, b: KeyFields): number {
  if (a.sourceId !== b.sourceId) return a.sourceId < b.sourceId ? -1 : 1;
  if (a.sourceRecordId !== b.sourceRecordId) return a.sourceRecordId < b.sourceRecordId ? -1 : 1;
  if (a.startAtMs !== b.startAtMs) return a.startAtMs - b.startAtMs;
  return a.metricCode < b.metricCode ? -1 : a.metricCode > b.metricCode ? 1 : 0;
}
