// Typed wrappers over sql/queries/ingest/*.sql, so no caller builds positional parameters.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import type { NormalizedDeleteRef, NormalizedSample } from '../domain/types.ts';

const LOOKUP_REQUEST = statement('ingest/lookup_request');
const CLAIM_INLINE_REQUEST = statement('ingest/claim_inline_request');
const UPSERT_SAMPLES = statement('ingest/upsert_samples');
const SOFT_DELETE_SAMPLES = statement('ingest/soft_delete_samples');
const COMPLETE_REQUEST = statement('ingest/complete_request');
const GET_REQUEST = statement('ingest/get_request');

export type RequestStatus = 'queued' | 'processing' | 'completed' | 'failed';

export interface RequestLookup {
  syncEnabled: boolean;
  blockedMetrics: string[];
  /** null when no request with this id exists for the user */
  status: RequestStatus | null;
  payloadHash: string | null;
  bodyDigest: string | null;
  responseStatus: number | null;
  responseBody: string | null;
  attempts: number | null;
  leaseExpired: boolean;
  /** how long the request has been in its current state (null when there is none) */
  secondsSinceUpdate: number | null;
}

export async function lookupRequest(
  db: Queryable,
  userId: string,
  requestId: string,
  staleAfterSeconds: number,
): Promise<RequestLookup> {
  const [row] = await run<{
    sync_enabled: boolean;
    blocked_metrics: string[];
    status: RequestStatus | null;
    payload_hash: string | null;
    body_digest: string | null;
    response_status: number | null;
    response_body: string | null;
    attempts: number | null;
    lease_expired: boolean | null;
    seconds_since_update: number | null;
  }>(db, LOOKUP_REQUEST, [userId, requestId, staleAfterSeconds]);
  if (!row) throw new Error('lookup_request returned no row');
  return {
    syncEnabled: row.sync_enabled,
    blockedMetrics: row.blocked_metrics,
    status: row.status,
    payloadHash: row.payload_hash,
    bodyDigest: row.body_digest,
    responseStatus: row.response_status,
    responseBody: row.response_body,
    attempts: row.attempts,
    leaseExpired: row.lease_expired === true,
    secondsSinceUpdate: row.seconds_since_update,
  };
}

export interface InlineClaim {
  userId: string;
  requestId: string;
  payloadHash: string;
  itemCount: number;
  receivedAt: Date;
  staleAfterSeconds: number;
  bodyDigest: string | null;
}

/** Takes the user's lock and claims the request; false when it exists in a state we may not take. */
export async function claimInlineRequest(db: Queryable, claim: InlineClaim): Promise<boolean> {
  const rows = await run(db, CLAIM_INLINE_REQUEST, [
    claim.userId,
    claim.requestId,
    claim.payloadHash,
    claim.itemCount,
    claim.receivedAt,
    claim.staleAfterSeconds,
    claim.bodyDigest,
  ]);
  return rows.length === 1;
}

export interface WrittenSample {
  sourceId: string;
  sourceRecordId: string;
  metricCode: string;
  startAtMs: number;
  changedSeq: number;
  /** where the write moved a live row from, when it moved it */
  previousSpan: { metricCode: string; startAtMs: number; endAtMs: number; timezoneOffsetMinutes: number } | null;
}

/** What upsert_samples and upsert_staged_samples return per written row. */
export interface WrittenSampleRow {
  source_id: string;
  source_record_id: string;
  metric_code: string;
  start_at: Date;
  changed_seq: string;
  previous_span: [string, string, string, number] | null;
}

export function toWrittenSample(row: WrittenSampleRow): WrittenSample {
  const span = row.previous_span;
  return {
    sourceId: row.source_id,
    sourceRecordId: row.source_record_id,
    metricCode: row.metric_code,
    startAtMs: row.start_at.getTime(),
    changedSeq: Number(row.changed_seq),
    previousSpan:
      span === null
        ? null
        : { metricCode: span[0], startAtMs: Date.parse(span[1]), endAtMs: Date.parse(span[2]), timezoneOffsetMinutes: span[3] },
  };
}

/** Upserts deduplicated rows of one user; returns only the rows that changed. */
export async function upsertSamples(
  db: Queryable,
  userId: string,
  receivedAt: Date,
  rows: readonly NormalizedSample[],
): Promise<WrittenSample[]> {
  const n = rows.length;
  const columns = {
    sourceId: new Array<string>(n),
    sourceRecordId: new Array<string>(n),
    startAt: new Array<string>(n),
    endAt: new Array<string>(n),
    metricCode: new Array<string>(n),
    valueKind: new Array<string>(n),
    value: new Array<number | null>(n),
    unit: new Array<string | null>(n),
    categoryCode: new Array<string | null>(n),
    durationSeconds: new Array<number | null>(n),
    timezoneOffsetMinutes: new Array<number>(n),
    timezoneSource: new Array<string>(n),
    localDate: new Array<string>(n),
    metadata: new Array<Record<string, unknown>>(n),
    sourceVersion: new Array<number | null>(n),
  };
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    columns.sourceId[i] = row.sourceId;
    columns.sourceRecordId[i] = row.sourceRecordId;
    columns.startAt[i] = new Date(row.startAtMs).toISOString();
    columns.endAt[i] = new Date(row.endAtMs).toISOString();
    columns.metricCode[i] = row.metricCode;
    columns.valueKind[i] = row.valueKind;
    columns.value[i] = row.value;
    columns.unit[i] = row.unit;
    columns.categoryCode[i] = row.categoryCode;
    columns.durationSeconds[i] = row.durationSeconds;
    columns.timezoneOffsetMinutes[i] = row.timezoneOffsetMinutes;
    columns.timezoneSource[i] = row.timezoneSource;
    columns.localDate[i] = row.localDate;
    columns.metadata[i] = row.metadata;
    columns.sourceVersion[i] = row.sourceVersion;
  }
  const written = await run<WrittenSampleRow>(db, UPSERT_SAMPLES, [
    userId,
    receivedAt,
    columns.sourceId,
    columns.sourceRecordId,
    columns.startAt,
    columns.endAt,
    columns.metricCode,
    columns.valueKind,
    columns.value,
    columns.unit,
    columns.categoryCode,
    columns.durationSeconds,
    columns.timezoneOffsetMinutes,
    columns.timezoneSource,
    columns.localDate,
    columns.metadata,
    columns.sourceVersion,
  ]);
  return written.map(toWrittenSample);
}

export interface DeletedSample {
  metricCode: string;
  startAt: Date;
  endAt: Date;
  timezoneOffsetMinutes: number;
  changedSeq: number;
}

/** Soft-deletes what the refs match and leaves a tombstone per ref (soft_delete_samples.sql). */
export async function softDeleteSamples(
  db: Queryable,
  userId: string,
  receivedAt: Date,
  refs: readonly NormalizedDeleteRef[],
): Promise<DeletedSample[]> {
  const rows = await run<{
    metric_code: string;
    start_at: Date;
    end_at: Date;
    timezone_offset_minutes: number;
    changed_seq: string;
  }>(db, SOFT_DELETE_SAMPLES, [
    userId,
    receivedAt,
    refs.map((ref) => ref.sourceRecordId),
    refs.map((ref) => ref.sourceId),
    refs.map((ref) => (ref.startAtMs === null ? null : new Date(ref.startAtMs).toISOString())),
    // ?? null: jobs queued before delete refs carried a metric decode without the field
    refs.map((ref) => ref.metricCode ?? null),
  ]);
  return rows.map((row) => ({
    metricCode: row.metric_code,
    startAt: row.start_at,
    endAt: row.end_at,
    timezoneOffsetMinutes: row.timezone_offset_minutes,
    changedSeq: Number(row.changed_seq),
  }));
}

export interface Completion {
  userId: string;
  requestId: string;
  /** null when nothing changed: no watermark bump, no event */
  event: { type: string; payload: Record<string, unknown> } | null;
  responseStatus: number;
  responseBody: string;
}

export async function completeRequest(db: Queryable, completion: Completion): Promise<number | null> {
  const [row] = await run<{ watermark_seq: string | null }>(db, COMPLETE_REQUEST, [
    completion.userId,
    completion.requestId,
    completion.event !== null,
    completion.event?.type ?? 'none',
    completion.event?.payload ?? {},
    completion.responseStatus,
    completion.responseBody,
  ]);
  if (!row) throw new Error(`request ${completion.requestId} vanished before completion`);
  return row.watermark_seq === null ? null : Number(row.watermark_seq);
}

export interface StoredRequest {
  status: RequestStatus;
  createdAt: Date;
  updatedAt: Date;
  responseStatus: number | null;
  responseBody: string | null;
}

export async function getRequest(db: Queryable, userId: string, requestId: string): Promise<StoredRequest | null> {
  const [row] = await run<{
    status: RequestStatus;
    created_at: Date;
    updated_at: Date;
    response_status: number | null;
    response_body: string | null;
  }>(db, GET_REQUEST, [userId, requestId]);
  if (!row) return null;
  return {
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    responseStatus: row.response_status,
    responseBody: row.response_body,
  };
}
