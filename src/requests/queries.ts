// Every transition of the request row (health_ingest_requests: the idempotency record of an
// upload, CONTRACT §4.4), one statement each in sql/queries/requests/, and the two reads of it.
//
//                      claim_inline_request                         complete_request
//   (none) ─────────────────────────────────────▶ processing ───────────────────────────▶ completed
//      │                                   (inline: one transaction,                          │
//      │                                    seen only as completed)                           │
//      │   claim_queued_request          start_processing         complete_request            │
//      └──────────────────────▶ queued ───────────────────▶ processing ─────────────▶ completed
//                                 │                          │  ▲                              │
//                                 │                          │  └ heartbeat_requests           │
//                                 │                          │    (heartbeat_at: the lease)    │
//          fail_request (enqueue  │                          │ fail_request (the job's         │
//          refused) ·             │                          │ last try) ·                     │
//          fail_orphaned_queued_  │                          │ fail_stale_processing_requests  │
//          requests (reaper: its  │                          │ (reaper: no heartbeat)          │
//          job is gone)           ▼                          ▼                                 │
//                               failed ◀─────────────────────┘                                 │
//                                 │                                                            │
//   failed, or processing with a stale heartbeat, re-sent with the same payload hash:          │
//     claim_inline_request / claim_queued_request take it over (attempts + 1), so a job of an  │
//     earlier attempt finds lock_request_for_write (its write transaction's first statement)   │
//     refused and writes nothing                                                               │
//                                                                                              │
//   completed, failed ── delete_finished_requests (retention, IDEMPOTENCY_RETENTION_DAYS) ─▶ (none)
//
// Reads: lookup_request (every upload starts with it: the earlier state, for the decision table
// of domain/idempotency.ts, and the user's privacy settings), get_request (GET
// /api/v1/health/ingest-requests/{id}), list_queued_requests (the reaper's pages).
// Every arrow checks the row's status (and, past a claim, its attempt) in its WHERE clause, so a
// transition that lost a race changes nothing and says so (no row).
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';

const LOOKUP_REQUEST = statement('requests/lookup_request');
const GET_REQUEST = statement('requests/get_request');
const CLAIM_INLINE_REQUEST = statement('requests/claim_inline_request');
const CLAIM_QUEUED_REQUEST = statement('requests/claim_queued_request');
const START_PROCESSING = statement('requests/start_processing');
const HEARTBEAT_REQUESTS = statement('requests/heartbeat_requests');
const LOCK_REQUEST_FOR_WRITE = statement('requests/lock_request_for_write');
const COMPLETE_REQUEST = statement('requests/complete_request');
const COMPLETE_SEQUENCE_PART = statement('requests/complete_sequence_part');
const FAIL_REQUEST = statement('requests/fail_request');
const FAIL_STALE_PROCESSING = statement('requests/fail_stale_processing_requests');
const LIST_QUEUED_REQUESTS = statement('requests/list_queued_requests');
const FAIL_ORPHANED_QUEUED = statement('requests/fail_orphaned_queued_requests');
const DELETE_FINISHED_REQUESTS = statement('requests/delete_finished_requests');

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
  /** an erasure of the user is running (CONTRACT §10) */
  erasing: boolean;
  /** when the user's latest erasure started (null: never erased); uploads received by then are fenced off */
  lastErasureAt: Date | null;
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
    erasing: boolean;
    last_erasure_at: Date | null;
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
    erasing: row.erasing,
    lastErasureAt: row.last_erasure_at,
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

export interface Completion {
  userId: string;
  requestId: string;
  /** null when nothing changed: no watermark bump, no event */
  event: { type: string; payload: object } | null;
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

/**
 * The completion of a sequence part whose watermark bump already ran (bump_watermark_if_changed):
 * its event with the seq it was written with, and its reply. Returns that seq.
 */
export async function completeSequencePart(db: Queryable, completion: Completion & { seq: number | null }): Promise<number | null> {
  const [row] = await run(db, COMPLETE_SEQUENCE_PART, [
    completion.userId,
    completion.requestId,
    completion.event === null ? null : completion.seq,
    completion.event?.type ?? 'none',
    completion.event?.payload ?? {},
    completion.responseStatus,
    completion.responseBody,
  ]);
  if (!row) throw new Error(`request ${completion.requestId} vanished before completion`);
  return completion.event === null ? null : completion.seq;
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

export interface RequestAttempt {
  userId: string;
  requestId: string;
  attempt: number;
}

/** The claimed attempt number, or null when the request exists in a state we may not take. */
export async function claimQueuedRequest(
  db: Queryable,
  claim: { userId: string; requestId: string; payloadHash: string; itemCount: number; receivedAt: Date; bodyDigest: string | null },
  staleAfterSeconds: number,
): Promise<number | null> {
  const [row] = await run<{ attempts: number }>(db, CLAIM_QUEUED_REQUEST, [
    claim.userId,
    claim.requestId,
    claim.payloadHash,
    claim.itemCount,
    claim.receivedAt,
    staleAfterSeconds,
    claim.bodyDigest,
  ]);
  return row ? row.attempts : null;
}

export async function failRequest(db: Queryable, attempt: RequestAttempt, reason: string): Promise<boolean> {
  const rows = await run(db, FAIL_REQUEST, [attempt.userId, attempt.requestId, attempt.attempt, reason]);
  return rows.length > 0;
}

export async function startProcessing(db: Queryable, attempt: RequestAttempt): Promise<boolean> {
  const rows = await run(db, START_PROCESSING, [attempt.userId, attempt.requestId, attempt.attempt]);
  return rows.length > 0;
}

export async function heartbeatRequests(db: Queryable, attempts: readonly RequestAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  await run(db, HEARTBEAT_REQUESTS, [
    attempts.map((a) => a.userId),
    attempts.map((a) => a.requestId),
    attempts.map((a) => a.attempt),
  ]);
}

/** In a transaction: the user's lock, then the request row if this attempt still owns it. */
export async function lockRequestForWrite(db: Queryable, attempt: RequestAttempt): Promise<boolean> {
  const rows = await run(db, LOCK_REQUEST_FOR_WRITE, [attempt.userId, attempt.requestId, attempt.attempt]);
  return rows.length > 0;
}

export interface RequestRef {
  userId: string;
  requestId: string;
}

export async function failStaleProcessingRequests(db: Queryable, staleAfterSeconds: number, limit: number): Promise<RequestRef[]> {
  const rows = await run<{ user_id: string; request_id: string }>(db, FAIL_STALE_PROCESSING, [staleAfterSeconds, limit]);
  return rows.map((row) => ({ userId: row.user_id, requestId: row.request_id }));
}

export interface QueuedRequest extends RequestRef {
  attempt: number;
}

export async function listQueuedRequests(
  db: Queryable,
  olderThanSeconds: number,
  after: RequestRef | null,
  limit: number,
): Promise<QueuedRequest[]> {
  const rows = await run<{ user_id: string; request_id: string; attempts: number }>(db, LIST_QUEUED_REQUESTS, [
    olderThanSeconds,
    after?.userId ?? null,
    after?.requestId ?? null,
    limit,
  ]);
  return rows.map((row) => ({ userId: row.user_id, requestId: row.request_id, attempt: row.attempts }));
}

export async function failOrphanedQueuedRequests(
  db: Queryable,
  requests: readonly { userId: string; requestId: string; attempt: number }[],
): Promise<RequestRef[]> {
  if (requests.length === 0) return [];
  const rows = await run<{ user_id: string; request_id: string }>(db, FAIL_ORPHANED_QUEUED, [
    requests.map((r) => r.userId),
    requests.map((r) => r.requestId),
    requests.map((r) => r.attempt),
  ]);
  return rows.map((row) => ({ userId: row.user_id, requestId: row.request_id }));
}

/** Retention: one chunk of finished requests last touched more than `retentionDays` ago; how many went. */
export async function deleteFinishedRequests(db: Queryable, retentionDays: number, chunkRows: number): Promise<number> {
  const [row] = await run<{ deleted: number }>(db, DELETE_FINISHED_REQUESTS, [retentionDays, chunkRows]);
  return row!.deleted;
}
