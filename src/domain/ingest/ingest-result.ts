// The body of a finished upload (CONTRACT §4.5), the same for the inline and the queued path.
// The schema is the source of the type and of the OpenAPI description of the 200/207 answer.
import { Type, type Static } from '@sinclair/typebox';
import { SampleFailureBody, type NormalizedSample, type SampleFailure } from '../types.ts';

export const IngestResultBody = Type.Object(
  {
    requestId: Type.String({ format: 'uuid' }),
    status: Type.Literal('completed'),
    accepted: Type.Integer({ minimum: 0, description: 'valid samples, written or unchanged' }),
    unchanged: Type.Integer({ minimum: 0, description: 'valid samples whose row was not written (identical, or a stale write)' }),
    deleted: Type.Integer({ minimum: 0, description: 'rows newly marked deleted' }),
    failed: Type.Array(SampleFailureBody, {
      description:
        'samples not stored, ascending by index (the answer is 207 when there is one). A sample whose own fields break ' +
        'their rules (types, lengths, dates, years 1900..9999, sourceVersion) fails with INVALID_FIELD and the JSON ' +
        'pointer of the field in `path`; the other samples of the batch are processed.',
    }),
    watermarkSeq: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: "the user's watermark after this write; null when nothing changed",
    }),
  },
  { description: 'The result of a processed upload (CONTRACT §4.5), the same inline and queued.' },
);
export type IngestResult = Static<typeof IngestResultBody>;

/**
 * `accepted` counts every valid sample (a key sent twice counts twice); `unchanged` counts those
 * whose key's row was not written — identical content, or a stale write that lost (§4.4): the
 * write core counts them (PartChange.unchanged).
 */
export function buildIngestResult(input: {
  requestId: string;
  valid: readonly NormalizedSample[];
  unchanged: number;
  failures: readonly SampleFailure[];
  deletedCount: number;
  watermarkSeq: number | null;
}): { statusCode: 200 | 207; body: IngestResult } {
  const failed = [...input.failures].sort((a, b) => a.index - b.index);
  return {
    statusCode: failed.length > 0 ? 207 : 200,
    body: {
      requestId: input.requestId,
      status: 'completed',
      accepted: input.valid.length,
      unchanged: input.unchanged,
      deleted: input.deletedCount,
      failed,
      watermarkSeq: input.watermarkSeq,
    },
  };
}
