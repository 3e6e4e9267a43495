// A sample's identity is (user, sourceId, sourceRecordId, startAt) — CONTRACT §4.4. Within one
// batch the last occurrence of a key wins, and PostgreSQL refuses to update one row twice in a
// statement, so batches are deduplicated before writing. The result is sorted by key so that
// concurrent writers lock rows in the same order.

import type { NormalizedSample } from './types.ts';

type KeyFields = Pick<NormalizedSample, 'sourceId' | 'sourceRecordId' | 'startAtMs'>;

/** One string per sample key; unambiguous because uploads with NUL in any string are refused (storable-text.ts). */
export function sampleKey(sample: KeyFields): string {
  return `${sample.sourceId}\u0000${sample.sourceRecordId}\u0000${sample.startAtMs}`;
}

/** The last occurrence of each key, sorted by (sourceId, sourceRecordId, startAtMs). */
export function dedupeSamplesByKey(valid: readonly NormalizedSample[]): NormalizedSample[] {
  const lastByKey = new Map<string, NormalizedSample>();
  for (const sample of valid) lastByKey.set(sampleKey(sample), sample);
  return [...lastByKey.values()].sort(compareByKey);
}

/** Code-unit order of the ids, then time: any fixed total order works for lock ordering. */
function compareByKey(a: KeyFields, b: KeyFields): number {
  if (a.sourceId !== b.sourceId) return a.sourceId < b.sourceId ? -1 : 1;
  if (a.sourceRecordId !== b.sourceRecordId) return a.sourceRecordId < b.sourceRecordId ? -1 : 1;
  return a.startAtMs - b.startAtMs;
}
