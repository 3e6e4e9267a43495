// Opaque keyset cursor for GET /samples: base64url of [startAtIso, sourceId, sourceRecordId],
// the last row of the previous page in (start_at, source_id, source_record_id) order.

export interface SampleCursor {
  startAt: string;
  sourceId: string;
  sourceRecordId: string;
}

export function encodeSampleCursor(cursor: SampleCursor): string {
  return Buffer.from(JSON.stringify([cursor.startAt, cursor.sourceId, cursor.sourceRecordId])).toString('base64url');
}

export function decodeSampleCursor(text: string): SampleCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 3 || !value.every((part) => typeof part === 'string')) return null;
    const [startAt, sourceId, sourceRecordId] = value as [string, string, string];
    if (Number.isNaN(Date.parse(startAt))) return null;
    return { startAt, sourceId, sourceRecordId };
  } catch {
    return null;
  }
}
