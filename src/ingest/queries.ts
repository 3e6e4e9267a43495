// Typed wrappers over the request statements of sql/queries/ingest/ (they move to requests/).
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';

const LOOKUP_REQUEST = statement('ingest/lookup_request');
const CLAIM_INLINE_REQUEST = statement('ingest/claim_inline_request');
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
