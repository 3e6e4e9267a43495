// Opaque keyset cursor for GET /samples: base64url of [metricCode, startAtIso, sourceId,
// sourceRecordId], the last row of the previous page in (metric, start, source, record) order.

export interface SampleCursor {
  metricCode: string;
  startAt: string;
  sourceId: string;
  sourceRecordId: string;
}

export function encodeSampleCursor(cursor: SampleCursor): string {
  const parts = [cursor.metricCode, cursor.startAt, cursor.sourceId, cursor.sourceRecordId];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeSampleCursor(text: string): SampleCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 4 || !value.every((part) => typeof part === 'string')) return null;
    const [metricCode, startAt, sourceId, sourceRecordId] = value as [string, string, string, string];
    if (Number.isNaN(Date.parse(startAt))) return null;
    return { metricCode, startAt, sourceId, sourceRecordId };
  } catch {
    return null;
  }
}
