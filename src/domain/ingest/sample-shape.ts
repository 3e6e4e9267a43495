// The per-sample level of CONTRACT §4.1: a sample whose fields break their own rules (types,
// lengths, a date that does not exist or has a year outside 1900..9999, an app-version string as
// sourceVersion, an id PostgreSQL cannot store) fails alone with INVALID_FIELD and the JSON
// pointer of the field; the samples beside it are processed.
//
// Hot path: a valid sample costs one compiled TypeBox check (SampleBody, compiled once) and one
// parse of each date; errors are collected only for a sample that fails the check.
import { Type } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType } from '@sinclair/typebox/compiler';
import { SampleBody, type SampleBodyT } from './upload-schema.ts';
import { messageOf } from '../validation.ts';
import { MAX_SAMPLE_YEAR, MIN_SAMPLE_YEAR } from '../time/time-bounds.ts';
import { parseStorableTimestamp, type TimestampProblem } from '../time/timestamps.ts';

/**
 * SampleBody as checked: metadata as an object of any members, which is what its Record of
 * unknown values says too, but TypeBox checks a Record by listing its entries and testing each key
 * against ^(.*)$ (~5 % of a sample's normalization). Same paths and messages.
 */
const CheckedSampleBody = Type.Object(
  { ...SampleBody.properties, metadata: Type.Optional(Type.Object({}, { additionalProperties: true, errorMessage: SampleBody.properties.metadata.errorMessage })) },
  { additionalProperties: true },
);
const sampleChecker = TypeCompiler.Compile(CheckedSampleBody);

/** A sample that passed its shape check, with its instants parsed. */
export interface CheckedSample {
  ok: true;
  sample: SampleBodyT;
  startAtMs: number;
  endAtMs: number;
}

/** Why a sample fails alone with INVALID_FIELD (CONTRACT §4.1). */
export interface SampleShapeProblem {
  ok: false;
  /** JSON pointer relative to the sample ('' is the sample itself), e.g. /startAt */
  path: string;
  /** names the field; never echoes its value */
  message: string;
  /** the sample's sourceRecordId when it can be read (a storable string of 1..256 chars), else null */
  sourceRecordId: string | null;
}

/**
 * The per-sample level of §4.1: field types and lengths (the compiled SampleBody check), dates
 * that exist with a storable year (1900..9999), ids PostgreSQL can store. A field the declared
 * kind forbids that is present but empty ("unit": "" or null on a CATEGORY sample, as old exports
 * write), and null on any optional field (what the read side writes for an absent value, and what
 * kotlinx.serialization and Gson write by default), is treated as absent: the sample is checked, and
 * returned, without it.
 */
export function checkSampleShape(raw: unknown): CheckedSample | SampleShapeProblem {
  let sample = raw;
  if (!sampleChecker.Check(sample)) {
    const withoutEmpty = withoutAbsentFields(raw);
    if (withoutEmpty === undefined || !sampleChecker.Check(withoutEmpty)) return shapeProblem(withoutEmpty ?? raw);
    sample = withoutEmpty;
  }
  const checked = sample as SampleBodyT;
  for (const field of ['sourceId', 'sourceRecordId'] as const) {
    if (!isStorableText(checked[field])) {
      return problem(raw, `/${field}`, `${field} must not contain NUL characters or unpaired surrogates`);
    }
  }
  const startAtMs = parseStorableTimestamp(checked.startAt);
  if (typeof startAtMs !== 'number') return timestampProblem(raw, 'startAt', startAtMs);
  if (checked.endAt === undefined) return { ok: true, sample: checked, startAtMs, endAtMs: startAtMs };
  const endAtMs = parseStorableTimestamp(checked.endAt);
  if (typeof endAtMs !== 'number') return timestampProblem(raw, 'endAt', endAtMs);
  return { ok: true, sample: checked, startAtMs, endAtMs };
}

/** Fields each declared kind forbids (§4.5); INTERVAL_NUM is left alone: a workout takes a categoryCode. */
const FORBIDDEN_BY_KIND: Partial<Record<string, readonly string[]>> = {
  CATEGORY: ['value', 'unit'],
  SCALAR_NUM: ['categoryCode'],
  CUMULATIVE_NUM: ['categoryCode'],
};

/** Fields a sample may leave out; null on one of them means it is absent. */
const REQUIRED_FIELDS: readonly string[] = SampleBody.required ?? [];
const OPTIONAL_FIELDS: readonly string[] = Object.keys(SampleBody.properties).filter((field) => !REQUIRED_FIELDS.includes(field));

/**
 * A copy without the fields that count as absent: null on an optional field, "" or null on a field
 * its declared kind forbids; undefined when it has none.
 */
function withoutAbsentFields(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const record = raw as Record<string, unknown>;
  const forbidden = typeof record.valueKind === 'string' ? FORBIDDEN_BY_KIND[record.valueKind] : undefined;
  const emptyForbidden = forbidden?.filter((field) => record[field] === '') ?? [];
  const nullOptional = OPTIONAL_FIELDS.filter((field) => record[field] === null);
  const absent = [...emptyForbidden, ...nullOptional];
  if (absent.length === 0) return undefined;
  const copy = { ...record };
  for (const field of absent) delete copy[field];
  return copy;
}

function shapeProblem(sample: unknown): SampleShapeProblem {
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) {
    return problem(sample, '', 'Expected a sample object');
  }
  const [first] = sampleChecker.Errors(sample);
  if (first === undefined) return problem(sample, '', 'Expected a sample object'); // unreachable: Check failed
  const field = first.path.split('/')[1] ?? '';
  if (first.type === ValueErrorType.ObjectRequiredProperty) return problem(sample, first.path, `${field} is required`);
  return problem(sample, first.path, `${field}: ${messageOf(first)}`);
}

function timestampProblem(sample: unknown, field: 'startAt' | 'endAt', reason: TimestampProblem): SampleShapeProblem {
  return problem(
    sample,
    `/${field}`,
    reason === 'not_a_date_time'
      ? `${field}: Expected a date-time that exists (check month, day, hour and offset)`
      : `${field}: Expected a year from ${MIN_SAMPLE_YEAR} to ${MAX_SAMPLE_YEAR} (and an instant before year 10000 in UTC)`,
  );
}

function problem(sample: unknown, path: string, message: string): SampleShapeProblem {
  return { ok: false, path, message, sourceRecordId: readableSourceRecordId(sample) };
}

function readableSourceRecordId(sample: unknown): string | null {
  if (typeof sample !== 'object' || sample === null) return null;
  const id = (sample as { sourceRecordId?: unknown }).sourceRecordId;
  return typeof id === 'string' && id.length >= 1 && id.length <= 256 && isStorableText(id) ? id : null;
}

/** PostgreSQL text cannot hold U+0000; a lone surrogate becomes U+FFFD, so two keys could collide. */
function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}
