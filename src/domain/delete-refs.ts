// Delete references (CONTRACT §4.6): a ref marks deleted every live sample of the user that
// matches the fields it gives; an absent field matches anything, because mobile OSes often
// report a deletion by the record's id alone.

import { parseRfc3339 } from './timestamps.ts';
import type { IncomingDeleteRef, NormalizedDeleteRef } from './types.ts';

/**
 * Parses startAt and drops exact duplicates (first occurrence order is kept).
 * The refs must have passed the shape check: an unparsable startAt is a programming error.
 */
export function normalizeDeleteRefs(refs: readonly IncomingDeleteRef[]): NormalizedDeleteRef[] {
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
      startAtMs,
    };
    const identity = JSON.stringify([deleteRef.sourceRecordId, deleteRef.sourceId, deleteRef.startAtMs]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    normalized.push(deleteRef);
  }
  return normalized;
}
