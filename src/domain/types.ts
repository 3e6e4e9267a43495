// Shapes shared by the pure domain and the services that call it. Wire shapes (what a client
// sends) are TypeBox schemas, their types derived there (ingest/upload-schema.ts SampleBodyT,
// DeleteRefBodyT); these are what the domain hands back after normalizing them.
import { Type, type Static } from '@sinclair/typebox';

/** A UUID in any case (ECMA-262 pattern, for TypeBox / OpenAPI and for RegExp alike). */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const VALUE_KINDS = ['SCALAR_NUM', 'CUMULATIVE_NUM', 'INTERVAL_NUM', 'CATEGORY'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export const SAMPLE_ERROR_CODES = [
  'INVALID_FIELD',
  'UNKNOWN_METRIC',
  'VALUE_KIND_MISMATCH',
  'MISSING_FIELD',
  'FORBIDDEN_FIELD',
  'UNIT_NORMALIZATION_FAILED',
  'VALUE_OUT_OF_BOUNDS',
  'INVALID_CATEGORY_CODE',
  'INVALID_TIME_RANGE',
  'TIMEZONE_REQUIRED',
  'INVALID_METADATA',
  'PRIVACY_BLOCKED',
] as const;
export type SampleErrorCode = (typeof SAMPLE_ERROR_CODES)[number];

/**
 * A per-sample failure is data, reported in the 207 body, never an exception. The schema is the
 * source of the type and of the OpenAPI description of the upload result.
 */
export const SampleFailureBody = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'position in the request\'s samples array' }),
  sourceRecordId: Type.Union([Type.String(), Type.Null()], {
    description: 'null when the sample has no readable sourceRecordId (not an object, or the field itself is broken)',
  }),
  code: Type.Union(
    SAMPLE_ERROR_CODES.map((code) => Type.Literal(code)),
    { description: 'why the sample was not stored (CONTRACT §4.5)' },
  ),
  message: Type.String({ description: 'names the field or rule; never echoes health values' }),
  path: Type.Optional(
    Type.String({ description: 'INVALID_FIELD only: JSON pointer of the offending field, e.g. /samples/3/startAt' }),
  ),
});
export type SampleFailure = Static<typeof SampleFailureBody>;

/** Where a sample's offset came from (CONTRACT §4.6, in this order of precedence). */
export const TIMEZONE_SOURCES = ['sample', 'zone', 'header', 'default'] as const;
export type TimezoneSource = (typeof TIMEZONE_SOURCES)[number];

/** A sample after alias resolution, unit conversion, time-zone resolution and metadata sanitizing. */
export interface NormalizedSample {
  /** Position in the request's `samples` array. */
  index: number;
  sourceId: string;
  sourceRecordId: string;
  /** Canonical metric code from the catalog. */
  metricCode: string;
  valueKind: ValueKind;
  /** In the metric's canonical unit; null for CATEGORY. */
  value: number | null;
  /** Canonical unit; null for CATEGORY. */
  unit: string | null;
  categoryCode: string | null;
  durationSeconds: number | null;
  /** Epoch milliseconds (timestamps are kept at millisecond precision). */
  startAtMs: number;
  endAtMs: number;
  timezoneOffsetMinutes: number;
  timezoneSource: TimezoneSource;
  /** YYYY-MM-DD of startAt in the resolved offset. */
  localDate: string;
  /** Metadata after the allowlist. */
  metadata: Record<string, unknown>;
  sourceVersion: number | null;
}

/** A delete reference after parsing; absent fields match anything. */
export interface NormalizedDeleteRef {
  sourceRecordId: string;
  sourceId: string | null;
  /** the catalog's canonical code (an unknown name as sent) */
  metricCode: string | null;
  startAtMs: number | null;
}
