// Delete references (CONTRACT §4.6): a ref marks deleted every live sample of the user that
// matches the fields it gives; an absent field matches anything, because mobile OSes often
// report a deletion by the record's id alone. A metric named by a platform alias is resolved to
// its canonical code, as samples are; a name the catalog does not know is kept as sent (it
// matches no stored sample, and a client's queue of deletions must not stall on it).

import { resolveMetric } from '../catalog/catalog.ts';
import type { MetricCatalog } from '../catalog/catalog-types.ts';
import { parseRfc3339 } from '../time/timestamps.ts';
import type { DeleteRefBodyT } from './upload-schema.ts';
import type { NormalizedDeleteRef } from '../types.ts';

/**
 * Parses startAt, resolves metricCode and drops exact duplicates (first occurrence order is
 * kept). The refs must have passed the shape check: an unparsable startAt is a programming error.
 */
export function normalizeDeleteRefs(refs: readonly DeleteRefBodyT[], catalog: MetricCatalog): NormalizedDeleteRef[] {
  const seen = new Set<string>();
  const normalized: NormalizedDeleteRef[] = [];
  for (const ref of refs) {
    let startAtMs: number | null = null;
    if (ref.startAt !== undefined) {
      const parsed = parseRfc3339(ref.startAt);
      if (parsed === undefined) throw new TypeError('delete ref startAt is not RFC 3339; check the body shape first');
      startAtMs = parsed;
    }
    const deleteRef: NormalizedDeleteRef = {
      sourceRecordId: ref.sourceRecordId,
      sourceId: ref.sourceId ?? null,
      metricCode: ref.metricCode === undefined ? null : (resolveMetric(catalog, ref.metricCode)?.code ?? ref.metricCode),
      startAtMs,
    };
    const identity = JSON.stringify([deleteRef.sourceRecordId, deleteRef.sourceId, deleteRef.metricCode, deleteRef.startAtMs]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    normalized.push(deleteRef);
  }
  return normalized;
}
