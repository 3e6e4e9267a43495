// Shapes shared by the pure domain and the services that call it.
// Wire shapes (what a client sends) are TypeBox schemas in src/domain/batch-schema.ts;
// these are what the domain hands back after normalizing them.

export const VALUE_KINDS = ['SCALAR_NUM', 'CUMULATIVE_NUM', 'INTERVAL_NUM', 'CATEGORY'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export const SAMPLE_ERROR_CODES = [
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

/** A per-sample failure is data, reported in the 207 body, never an exception. */
export interface SampleFailure {
  index: number;
  sourceRecordId: string;
  code: SampleErrorCode;
  message: string;
}

export type TimezoneSource = 'sample' | 'header' | 'default';

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

/**
 * A sample as it arrives on the wire, after the TypeBox shape check (batch-schema.ts) has
 * guaranteed the field types, lengths and RFC 3339 syntax. Per-sample rules (sample-rules.ts)
 * still decide whether the fields make sense together. Unknown extra fields are kept: they
 * count in the payload hash and are otherwise ignored.
 */
export interface IncomingSample {
  sourceId: string;
  sourceRecordId: string;
  metricCode: string;
  valueKind: ValueKind;
  value?: number;
  unit?: string;
  categoryCode?: string;
  durationSeconds?: number;
  startAt: string;
  endAt?: string;
  timezoneOffsetMinutes?: number;
  metadata?: Record<string, unknown>;
  sourceVersion?: number;
  [extraField: string]: unknown;
}

/** A delete reference as it arrives on the wire (shape already checked). */
export interface IncomingDeleteRef {
  sourceRecordId: string;
  sourceId?: string;
  metricCode?: string;
  startAt?: string;
  [extraField: string]: unknown;
}
