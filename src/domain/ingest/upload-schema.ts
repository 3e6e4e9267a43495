// Wire shapes of an upload (CONTRACT §4.1) as TypeBox schemas, compiled once at module load.
// Objects accept unknown extra fields (they are ignored, and still count in the payload hash,
// which is computed on the body as received). Limits that depend on
// configuration (MAX_BATCH_ITEMS) and checks a schema cannot express (an RFC 3339 string that
// names an impossible date) are applied by the validate functions after the compiled check.
//
// Two levels (§4.1): the envelope (requestId, payloadHash, the arrays, the delete refs) is
// checked whole here and answers 400; each sample is checked on its own (sample-shape.ts) and
// fails alone with INVALID_FIELD.

import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { MAX_SAMPLE_YEAR, MAX_TIMEZONE_OFFSET_MINUTES, MIN_SAMPLE_YEAR, MIN_TIMEZONE_OFFSET_MINUTES } from '../time/time-bounds.ts';
import { parseStorableTimestamp, RFC3339_PATTERN } from '../time/timestamps.ts';
import { UUID_PATTERN, VALUE_KINDS } from '../types.ts';
import { IssueList, Text, type Validated } from '../validation.ts';

const SHA256_HEX_PATTERN = '^[0-9a-fA-F]{64}$';

const Timestamp = Type.String({
  pattern: RFC3339_PATTERN,
  errorMessage: 'Expected an RFC 3339 date-time with Z or an offset, e.g. 2026-11-20T07:15:00Z',
});

export const SampleBody = Type.Object(
  {
    sourceId: Text(1, 128),
    sourceRecordId: Text(1, 256),
    metricCode: Text(1, 128),
    valueKind: Type.Union(
      VALUE_KINDS.map((kind) => Type.Literal(kind)),
      { errorMessage: `Expected one of ${VALUE_KINDS.join(', ')}` },
    ),
    value: Type.Optional(Type.Number({ errorMessage: 'Expected a finite number' })),
    unit: Type.Optional(Text(1, 32)),
    categoryCode: Type.Optional(Text(1, 64)),
    durationSeconds: Type.Optional(Type.Number({ minimum: 0, errorMessage: 'Expected a number ≥ 0' })),
    startAt: Timestamp,
    endAt: Type.Optional(Timestamp),
    timezoneOffsetMinutes: Type.Optional(
      Type.Integer({
        minimum: MIN_TIMEZONE_OFFSET_MINUTES,
        maximum: MAX_TIMEZONE_OFFSET_MINUTES,
        errorMessage: 'Expected an integer number of minutes in -720..840',
      }),
    ),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { errorMessage: 'Expected a JSON object' })),
    sourceVersion: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        errorMessage: 'Expected an integer in 0..2^53-1 (a sync version; an app version string belongs in metadata.appVersion)',
      }),
    ),
  },
  { additionalProperties: true },
);

export const DeleteRefBody = Type.Object(
  {
    sourceRecordId: Text(1, 256),
    sourceId: Type.Optional(Text(1, 128)),
    metricCode: Type.Optional(Text(1, 128)),
    startAt: Type.Optional(Timestamp),
  },
  { additionalProperties: true },
);

const envelopeFields = {
  requestId: Type.String({ pattern: UUID_PATTERN, errorMessage: 'Expected a UUID' }),
  payloadHash: Type.String({ pattern: SHA256_HEX_PATTERN, errorMessage: 'Expected 64 hex characters' }),
  deleted: Type.Optional(Type.Array(DeleteRefBody)),
};

/**
 * The body of POST /api/v1/health/samples/batch-upsert as documented (OpenAPI): every element
 * of `samples` should be a SampleBody, but one that is not fails alone (INVALID_FIELD in the 207
 * result) instead of the request.
 */
export const BatchUpsertBody = Type.Object(
  {
    ...envelopeFields,
    samples: Type.Array(SampleBody, {
      description: 'A sample that breaks its own rules fails alone (INVALID_FIELD with its path in the 207 result).',
    }),
  },
  { additionalProperties: true },
);

/** What the envelope check guarantees (array sizes checked separately): samples not yet checked. */
export const BatchEnvelope = Type.Object({ ...envelopeFields, samples: Type.Array(Type.Unknown()) }, { additionalProperties: true });
export type BatchEnvelopeT = Static<typeof BatchEnvelope>;
export type SampleBodyT = Static<typeof SampleBody>;
export type DeleteRefBodyT = Static<typeof DeleteRefBody>;

const envelopeChecker = TypeCompiler.Compile(BatchEnvelope);

/** The envelope of an upload (CONTRACT §4.1): violations are a 400; samples are checked later, one by one. */
export function validateBatchBody(body: unknown, maxBatchItems: number): Validated<BatchEnvelopeT> {
  const issues = new IssueList();
  const shapeOk = envelopeChecker.Check(body);
  if (!shapeOk) issues.addSchemaErrors(envelopeChecker.Errors(body));

  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const { samples, deleted } = body as { samples?: unknown; deleted?: unknown };
    for (const [name, items] of [['samples', samples], ['deleted', deleted]] as const) {
      if (Array.isArray(items) && items.length > maxBatchItems) {
        issues.add(`/${name}`, `At most ${maxBatchItems} items per array; send the rest in another batch`);
      }
    }
    if (Array.isArray(deleted)) checkDeleteRefTimestamps(deleted, issues);
    const isEmpty = (items: unknown) => items === undefined || (Array.isArray(items) && items.length === 0);
    if (Array.isArray(samples) && isEmpty(samples) && isEmpty(deleted)) {
      issues.add('', 'samples and deleted are both empty; send at least one item');
    }
  }

  return shapeOk && issues.isEmpty()
    ? { ok: true, value: body as BatchEnvelopeT }
    : { ok: false, errors: issues.list() };
}

const RFC3339_SYNTAX = new RegExp(RFC3339_PATTERN);

/** Delete refs are envelope: a startAt that names no storable instant fails the whole request. */
function checkDeleteRefTimestamps(refs: readonly unknown[], issues: IssueList): void {
  refs.forEach((ref, i) => {
    if (typeof ref !== 'object' || ref === null) return;
    const text = (ref as Record<string, unknown>).startAt;
    if (typeof text !== 'string' || !RFC3339_SYNTAX.test(text)) return; // reported by the schema
    const parsed = parseStorableTimestamp(text);
    if (typeof parsed === 'number') return;
    issues.add(
      `/deleted/${i}/startAt`,
      parsed === 'not_a_date_time'
        ? 'Expected a date-time that exists (check month, day, hour and offset)'
        : `Expected a date-time in the years ${MIN_SAMPLE_YEAR}..${MAX_SAMPLE_YEAR}`,
    );
  });
}
