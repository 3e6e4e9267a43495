// The body of a finished upload (CONTRACT §4.5), the same for the inline and the queued path.
import type { NormalizedSample, SampleFailure } from './types.ts';
import { sampleKey } from './sample-rules.ts';

export interface IngestResult {
  requestId: string;
  status: 'completed';
  accepted: number;
  unchanged: number;
  deleted: number;
  failed: SampleFailure[];
  watermarkSeq: number | null;
}

/**
 * `accepted` counts every valid sample (a key sent twice counts twice); `unchanged` counts those
 * whose key's row was not written — identical content, or a stale write that lost (§4.4).
 */
export function buildIngestResult(input: {
  requestId: string;
  valid: readonly NormalizedSample[];
  writtenKeys: ReadonlySet<string>;
  failures: readonly SampleFailure[];
  deletedCount: number;
  watermarkSeq: number | null;
}): { statusCode: 200 | 207; body: IngestResult } {
  let unchanged = 0;
  for (const sample of input.valid) if (!input.writtenKeys.has(sampleKey(sample))) unchanged++;
  const failed = [...input.failures].sort((a, b) => a.index - b.index);
  return {
    statusCode: failed.length > 0 ? 207 : 200,
    body: {
      requestId: input.requestId,
      status: 'completed',
      accepted: input.valid.length,
      unchanged,
      deleted: input.deletedCount,
      failed,
      watermarkSeq: input.watermarkSeq,
    },
  };
}
