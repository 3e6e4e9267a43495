// Opaque keyset cursor for GET /samples: base64url of [metricCode, startAtIso, sourceId,
// sourceRecordId], the last row of the previous page in (metric, start, source, record) order.
// A cursor comes back from the client, so decoding checks everything PostgreSQL would refuse
// (a date-time it cannot read or store, NUL or a lone surrogate in a string) and the lengths
// stored keys can have: a forged cursor is a 400, never a 500.
import { isStorableInstant } from './time/time-bounds.ts';
import { parseRfc3339 } from './time/timestamps.ts';

export interface SampleCursor {
  metricCode: string;
  startAt: string;
  sourceId: string;
  sourceRecordId: string;
}

/** Longer than any cursor encodeSampleCursor writes (128 + 24 + 128 + 256 characters, escaped, base64). */
const MAX_CURSOR_CHARS = 4096;
const MAX_LENGTHS = [128, 64, 128, 256] as const;

export function encodeSampleCursor(cursor: SampleCursor): string {
  const parts = [cursor.metricCode, cursor.startAt, cursor.sourceId, cursor.sourceRecordId];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const storable = (text: string, maxLength: number) =>
  text.length >= 1 && text.length <= maxLength && !text.includes('\u0000') && text.isWellFormed();

export function decodeSampleCursor(text: string): SampleCursor | null {
  if (text.length > MAX_CURSOR_CHARS) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 4 || !value.every((part) => typeof part === 'string')) return null;
    const parts = value as [string, string, string, string];
    if (!parts.every((part, i) => storable(part, MAX_LENGTHS[i]!))) return null;
    const [metricCode, startAt, sourceId, sourceRecordId] = parts;
    const startAtMs = parseRfc3339(startAt);
    if (startAtMs === undefined || !isStorableInstant(startAtMs)) return null;
    // the form PostgreSQL is sent is ours, whatever notation the cursor used
    return { metricCode, startAt: new Date(startAtMs).toISOString(), sourceId, sourceRecordId };
  } catch {
    return null;
  }
}
