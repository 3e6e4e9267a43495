// Sample metadata is free-form on the wire and stored as jsonb. Only allowlisted top-level keys
// are kept (the rest is dropped silently: clients send whatever their OS hands them), and what
// is kept is bounded so one sample cannot bloat a row, an outbox event or a queue job.

export interface MetadataPolicy {
  /** Top-level keys that are kept; every other key is dropped. */
  readonly allowlist: ReadonlySet<string>;
  /** Nesting limit; the metadata object itself is depth 1, arrays count like objects. */
  readonly maxDepth: number;
  /** Limit on the number of kept top-level keys. */
  readonly maxTopLevelKeys: number;
  /** Limit on the UTF-8 size of the kept object's JSON text. */
  readonly maxBytes: number;
}

export type SanitizedMetadata =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; message: string };

/**
 * Drops keys outside the allowlist, then checks the limits on what is left.
 * Absent metadata (undefined or null) is the empty object.
 */
export function sanitizeMetadata(metadata: unknown, policy: MetadataPolicy): SanitizedMetadata {
  if (metadata === undefined || metadata === null) return { ok: true, value: {} };
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    return { ok: false, message: 'metadata must be a JSON object.' };
  }

  const kept: Record<string, unknown> = {};
  let keptKeys = 0;
  // while every kept value is a storable scalar: a bound on the kept object's UTF-8 JSON size
  let flatBytesBound = 2;
  for (const key of Object.keys(metadata)) {
    // The allowlist never contains "__proto__", so plain assignment is safe here.
    if (!policy.allowlist.has(key)) continue;
    const value = (metadata as Record<string, unknown>)[key];
    kept[key] = value;
    keptKeys += 1;
    flatBytesBound += jsonBytesBound(key) + 2 + scalarJsonBytesBound(value);
  }

  if (keptKeys > policy.maxTopLevelKeys) {
    return { ok: false, message: `metadata has more than ${policy.maxTopLevelKeys} keys.` };
  }
  // The common case (a few scalars, well under the limits) is decided without walking the
  // object again or writing its JSON: the bound is exact enough, and allowlisted keys are storable.
  if (flatBytesBound <= policy.maxBytes && policy.maxDepth >= 1) return { ok: true, value: kept };
  return checkedLimits(kept, keptKeys, policy);
}

/** A bound on the UTF-8 bytes of a string's JSON text: a code unit is at most 6 (\u00XX); Infinity when the string is not storable. */
function jsonBytesBound(text: string): number {
  return unstorable(text) ? Number.POSITIVE_INFINITY : 2 + 6 * text.length;
}

/** The same for a scalar member value; Infinity for an object or an array (checked in full). */
function scalarJsonBytesBound(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return jsonBytesBound(value);
    case 'number':
      // the longest number text JSON.stringify writes: a sign, '0.00000' and 17 digits (25)
      return 25;
    case 'boolean':
      return 5;
    default:
      return value === null ? 4 : Number.POSITIVE_INFINITY;
  }
}

/** The limits on a kept object that holds objects, arrays, long texts or unstorable strings. */
function checkedLimits(kept: Record<string, unknown>, keptKeys: number, policy: MetadataPolicy): SanitizedMetadata {
  if (keptKeys > policy.maxTopLevelKeys) {
    return { ok: false, message: `metadata has more than ${policy.maxTopLevelKeys} keys.` };
  }
  if (depthOf(kept, policy.maxDepth) > policy.maxDepth) {
    return { ok: false, message: `metadata is nested deeper than ${policy.maxDepth} levels.` };
  }
  if (containsUnstorable(kept)) {
    // PostgreSQL's jsonb refuses U+0000 and unpaired surrogate escapes; refusing them here keeps
    // them a per-sample failure instead of a failed statement.
    return { ok: false, message: 'metadata must not contain NUL (U+0000) characters or unpaired surrogates.' };
  }
  const json = JSON.stringify(kept);
  if (utf8ByteLengthExceeds(json, policy.maxBytes)) {
    return { ok: false, message: `metadata is larger than ${policy.maxBytes} bytes of JSON.` };
  }
  return { ok: true, value: kept };
}

/**
 * Nesting depth of a JSON value (a scalar is 0, an object or array 1 + its deepest child).
 * Stops descending once `limit` is exceeded, so hostile nesting costs no more than the limit.
 */
function depthOf(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit < 0) return 1;
  let deepestChild = 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) {
    const childDepth = depthOf(child, limit - 1);
    if (childDepth > deepestChild) deepestChild = childDepth;
    if (1 + deepestChild > limit) break;
  }
  return 1 + deepestChild;
}

const unstorable = (text: string) => text.includes('\u0000') || !text.isWellFormed();

/** Whether any key or string inside a (depth-checked) JSON value has U+0000 or a lone surrogate. */
function containsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return unstorable(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsUnstorable);
  for (const [key, child] of Object.entries(value)) {
    if (unstorable(key) || containsUnstorable(child)) return true;
  }
  return false;
}

/** Whether the UTF-8 encoding of `text` is longer than `limit` bytes. */
function utf8ByteLengthExceeds(text: string, limit: number): boolean {
  // A UTF-16 code unit encodes to 1..3 bytes; decide without encoding when possible.
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text, 'utf8') > limit;
}
