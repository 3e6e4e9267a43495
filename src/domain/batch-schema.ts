// Wire shapes of the write API (CONTRACT §4.1 and §6) as TypeBox schemas, compiled once at
// module load. Objects accept unknown extra fields (they are ignored, and still count in the
// payload hash, which is computed on the body as received). Limits that depend on
// configuration (MAX_BATCH_ITEMS) and checks a schema cannot express (an RFC 3339 string that
// names an impossible date) are applied by the validate functions after the compiled check.
//
// Two levels (§4.1): the envelope (requestId, payloadHash, the arrays, the delete refs) is
// checked whole here and answers 400; each sample is checked on its own (sample-shape.ts) and
// fails alone with INVALID_FIELD.

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { isKnownMetricCode, type MetricCatalog } from './catalog.ts';
import { MAX_SAMPLE_YEAR, MIN_SAMPLE_YEAR } from './time-bounds.ts';
import { parseStorableTimestamp, RFC3339_PATTERN } from './timestamps.ts';
import { VALUE_KINDS, type IncomingDeleteRef } from './types.ts';

export interface ValidationIssue {
  /** JSON pointer into the body, e.g. /samples/3/startAt ('' is the body itself). */
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

/** Longer error lists help nobody and cost bytes: the client fixes the first ones and retries. */
export const MAX_REPORTED_ERRORS = 50;

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const SHA256_HEX_PATTERN = '^[0-9a-fA-F]{64}$';

/** The range of UTC offsets (CONTRACT §4: -12:00..+14:00), for samples, the header and time zones. */
export const MIN_TIMEZONE_OFFSET_MINUTES = -720;
export const MAX_TIMEZONE_OFFSET_MINUTES = 840;

const Text = (minLength: number, maxLength: number) =>
  // NUL and unpaired surrogates are refused by storable-text.ts outside the samples (gated on the
  // raw body) and by sample-shape.ts in a sample's ids: far cheaper than a pattern on every string.
  Type.String({ minLength, maxLength, errorMessage: `Expected ${minLength}..${maxLength} characters` });

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

// The domain's IncomingDeleteRef must accept what the schema lets through.
const _deleteRefFits = (ref: DeleteRefBodyT): IncomingDeleteRef => ref;

/** The body of PUT /api/v1/health/privacy-settings. */
export const PrivacySettingsBody = Type.Object(
  {
    syncEnabled: Type.Boolean(),
    blockedMetrics: Type.Array(Text(1, 128), { maxItems: 200 }),
  },
  { additionalProperties: true },
);
export type PrivacySettingsBodyT = Static<typeof PrivacySettingsBody>;

const envelopeChecker = TypeCompiler.Compile(BatchEnvelope);
const privacyChecker = TypeCompiler.Compile(PrivacySettingsBody);

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

/**
 * Shape of the privacy settings; with a catalog, every blocked metric must also be a known
 * code or platform alias (CONTRACT §6: an unknown one is a validation error).
 */
export function validatePrivacySettingsBody(
  body: unknown,
  catalog?: MetricCatalog,
): Validated<PrivacySettingsBodyT> {
  if (!privacyChecker.Check(body)) {
    const issues = new IssueList();
    issues.addSchemaErrors(privacyChecker.Errors(body));
    return { ok: false, errors: issues.list() };
  }
  if (catalog !== undefined) {
    const issues = new IssueList();
    body.blockedMetrics.forEach((code, i) => {
      if (!isKnownMetricCode(catalog, code)) issues.add(`/blockedMetrics/${i}`, 'Unknown metric code');
    });
    if (!issues.isEmpty()) return { ok: false, errors: issues.list() };
  }
  return { ok: true, value: body };
}

const STRICT_INTEGER = /^-?\d{1,6}$/;

/** X-Timezone-Offset: integer minutes east of UTC in -720..840; absent (null) is fine. */
export function validateTimezoneHeader(
  value: string | null,
): { ok: true; value: number | undefined } | { ok: false; message: string } {
  if (value === null) return { ok: true, value: undefined };
  const minutes = STRICT_INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!(minutes >= MIN_TIMEZONE_OFFSET_MINUTES && minutes <= MAX_TIMEZONE_OFFSET_MINUTES)) {
    return { ok: false, message: 'X-Timezone-Offset must be an integer number of minutes in -720..840' };
  }
  return { ok: true, value: minutes === 0 ? 0 : minutes };
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

/** Validation issues, at most one per path and at most MAX_REPORTED_ERRORS in all. */
class IssueList {
  private readonly byPath = new Map<string, string>();

  add(path: string, message: string): void {
    if (this.byPath.size < MAX_REPORTED_ERRORS && !this.byPath.has(path)) this.byPath.set(path, message);
  }

  addSchemaErrors(errors: Iterable<ValueError>): void {
    for (const error of errors) {
      if (this.byPath.size >= MAX_REPORTED_ERRORS) return;
      this.add(error.path, messageOf(error));
    }
  }

  isEmpty(): boolean {
    return this.byPath.size === 0;
  }

  list(): ValidationIssue[] {
    return [...this.byPath].map(([path, message]) => ({ path, message }));
  }
}

/** The schema's own errorMessage where it has one, else TypeBox's. */
export function messageOf(error: ValueError): string {
  const custom = (error.schema as TSchema & { errorMessage?: unknown }).errorMessage;
  return typeof custom === 'string' ? custom : error.message;
}
