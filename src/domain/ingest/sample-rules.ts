// Per-sample rules of CONTRACT §4.5/§4.6: resolve a shape-checked wire sample through the
// catalog into a NormalizedSample, or explain in one failure why it cannot be stored.
//
// The checks run in a fixed order and the first failure wins, so a client fixing one problem
// at a time sees a stable sequence: shape (INVALID_FIELD) → metric → privacy → kind → fields →
// time range → time zone → unit → bounds → category → metadata. Messages never echo health
// values (they end up in logs and in stored responses).

import { categoryIn, recordFieldAliases, resolveMetricScope, unitIn } from '../catalog/catalog.ts';
import type { MetricCatalog, MetricDefinition, MetricScope } from '../catalog/catalog-types.ts';
import type { SampleBodyT } from './upload-schema.ts';
import { sanitizeMetadata } from '../catalog/metadata.ts';
import { checkSampleShape } from './sample-shape.ts';
import { resolveTimezone } from './sample-time-zone.ts';
import { localDateOf } from '../time/timestamps.ts';
import type {
  NormalizedSample,
  SampleErrorCode,
  SampleFailure,
} from '../types.ts';
import { toCanonical } from '../catalog/units.ts';


export interface NormalizeContext {
  catalog: MetricCatalog;
  /** Canonical metric codes the user has blocked. */
  blockedMetrics: ReadonlySet<string>;
  /** X-Timezone-Offset, already validated; undefined when absent. */
  headerOffsetMinutes: number | undefined;
  /** The server's receipt time; "the future" is judged against it. */
  nowMs: number;
}

/** How far in the future a sample may start (clock skew, time-zone bugs on devices). */
export const MAX_START_AHEAD_MS = 24 * 60 * 60 * 1000;

/** The `samples` array of an upload (elements not yet checked) → the storable ones and why the others are not. */
export function normalizeSamples(
  samples: readonly unknown[],
  context: NormalizeContext,
): { valid: NormalizedSample[]; failures: SampleFailure[] } {
  const valid: NormalizedSample[] = [];
  const failures: SampleFailure[] = [];
  for (let index = 0; index < samples.length; index += 1) {
    const shape = checkSampleShape(samples[index]);
    if (!shape.ok) {
      const { sourceRecordId, message, path } = shape;
      failures.push({ index, sourceRecordId, code: 'INVALID_FIELD', message, path: `/samples/${index}${path}` });
      continue;
    }
    const outcome = normalizeSample(shape.sample, index, shape.startAtMs, shape.endAtMs, context);
    if ('code' in outcome) {
      failures.push({ index, sourceRecordId: shape.sample.sourceRecordId, ...outcome });
    } else {
      valid.push(outcome);
    }
  }
  return { valid, failures };
}

interface Rejection {
  code: SampleErrorCode;
  message: string;
}

function reject(code: SampleErrorCode, message: string): Rejection {
  return { code, message };
}

/** Record fields a bare-record UNKNOWN_METRIC message lists before "… (N in all)". */
const LISTED_RECORD_FIELDS = 4;

function unknownMetricMessage(catalog: MetricCatalog, metricCode: string): string {
  const fields = recordFieldAliases(catalog, metricCode);
  if (fields.length === 0) return `Metric "${metricCode}" is not in the catalog.`;
  const listed = fields.slice(0, LISTED_RECORD_FIELDS).join(', ');
  const rest = fields.length > LISTED_RECORD_FIELDS ? `, … (${fields.length} in all, see GET /api/v1/health/metrics)` : '';
  return `"${metricCode}" holds several metrics: send each value as its own sample named ${listed}${rest}.`;
}

function normalizeSample(
  sample: SampleBodyT,
  index: number,
  startAtMs: number,
  endAtMs: number,
  { catalog, blockedMetrics, headerOffsetMinutes, nowMs }: NormalizeContext,
): NormalizedSample | Rejection {
  // the name decides the platform whose meaning the unit and category are read with (§4.6)
  const scope = resolveMetricScope(catalog, sample.metricCode);
  if (scope === undefined) {
    return reject('UNKNOWN_METRIC', unknownMetricMessage(catalog, sample.metricCode));
  }
  const metric = scope.metric;
  if (blockedMetrics.has(metric.code)) {
    return reject('PRIVACY_BLOCKED', `Syncing ${metric.code} is blocked in the privacy settings.`);
  }
  if (sample.valueKind !== metric.kind) {
    return reject('VALUE_KIND_MISMATCH', `${metric.code} is ${metric.kind}, not ${sample.valueKind}.`);
  }
  const fieldProblem = checkFieldsForKind(sample, scope);
  if (fieldProblem !== undefined) return fieldProblem;

  if (endAtMs < startAtMs) return reject('INVALID_TIME_RANGE', 'endAt is before startAt.');
  if (startAtMs > nowMs + MAX_START_AHEAD_MS) {
    return reject('INVALID_TIME_RANGE', 'startAt is more than 24 hours in the future.');
  }

  const timezone = resolveTimezone(sample, startAtMs, headerOffsetMinutes, metric);
  if ('code' in timezone) return timezone;
  const { timezoneOffsetMinutes, timezoneSource } = timezone;

  let value: number | null = null;
  let unit: string | null = null;
  let categoryCode: string | null = null;
  if (metric.kind !== 'CATEGORY') {
    const conversion = unitIn(scope, sample.unit as string);
    if (conversion === undefined) {
      return reject('UNIT_NORMALIZATION_FAILED', `Unit "${sample.unit}" is not accepted for ${metric.code}.`);
    }
    value = toCanonical(sample.value as number, conversion);
    unit = metric.canonicalUnit;
    if (!withinBounds(value, metric)) {
      const { min, max } = metric.bounds ?? { min: -Infinity, max: Infinity };
      return reject('VALUE_OUT_OF_BOUNDS', `value is outside ${min}..${max} ${unit} for ${metric.code}.`);
    }
  }

  if (metric.categories !== null) {
    // CATEGORY, or an INTERVAL_NUM with categories (a workout's activity); absent → the default
    categoryCode = categoryIn(scope, sample.categoryCode ?? (scope.defaultCategory as string)) ?? null;
    if (categoryCode === null) {
      return reject('INVALID_CATEGORY_CODE', `categoryCode is not a category of ${metric.code}.`);
    }
  }

  const metadata = sanitizeMetadata(sample.metadata, catalog.metadataPolicy);
  if (!metadata.ok) return reject('INVALID_METADATA', metadata.message);

  return {
    index,
    sourceId: sample.sourceId,
    sourceRecordId: sample.sourceRecordId,
    metricCode: metric.code,
    valueKind: metric.kind,
    value,
    unit,
    categoryCode,
    durationSeconds: sample.durationSeconds ?? null,
    startAtMs,
    endAtMs,
    timezoneOffsetMinutes,
    timezoneSource,
    localDate: localDateOf(startAtMs, timezoneOffsetMinutes),
    metadata: metadata.value,
    sourceVersion: sample.sourceVersion ?? null,
  };
}

/**
 * Numeric kinds need value + unit (INTERVAL_NUM also durationSeconds); CATEGORY needs a code.
 * A metric with categories takes a categoryCode (an INTERVAL_NUM one too: a workout's activity),
 * required unless the scope has a default category (HKCategoryValueNotApplicable types).
 */
function checkFieldsForKind(sample: SampleBodyT, scope: MetricScope): Rejection | undefined {
  const { metric } = scope;
  const required = metric.kind === 'CATEGORY' ? NO_FIELDS : metric.kind === 'INTERVAL_NUM' ? INTERVAL_FIELDS : NUMERIC_FIELDS;
  for (const field of required) {
    if (sample[field] === undefined) {
      return reject('MISSING_FIELD', `${String(field)} is required for ${metric.kind} samples.`);
    }
  }
  if (metric.categories !== null && scope.defaultCategory === null && sample.categoryCode === undefined) {
    return reject('MISSING_FIELD', `categoryCode is required for ${metric.kind} samples of ${metric.code}.`);
  }
  const forbidden = metric.kind === 'CATEGORY' ? NUMERIC_FIELDS : metric.categories === null ? CATEGORY_FIELDS : NO_FIELDS;
  for (const field of forbidden) {
    if (sample[field] !== undefined) {
      return reject('FORBIDDEN_FIELD', `${String(field)} is not allowed for ${metric.kind} samples.`);
    }
  }
  return undefined;
}

const NO_FIELDS: readonly (keyof SampleBodyT)[] = [];
const NUMERIC_FIELDS: readonly (keyof SampleBodyT)[] = ['value', 'unit'];
const INTERVAL_FIELDS: readonly (keyof SampleBodyT)[] = ['value', 'unit', 'durationSeconds'];
const CATEGORY_FIELDS: readonly (keyof SampleBodyT)[] = ['categoryCode'];

/** Inclusive bounds; a conversion that overflows to ±Infinity is out of any bounds. */
function withinBounds(value: number, metric: MetricDefinition): boolean {
  if (!Number.isFinite(value)) return false;
  return metric.bounds === null || (value >= metric.bounds.min && value <= metric.bounds.max);
}
