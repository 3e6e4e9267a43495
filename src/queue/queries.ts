// Typed wrappers over sql/queries/queue/*.sql.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';

const CLAIM_QUEUED_REQUEST = statement('queue/claim_queued_request');
const FAIL_REQUEST = statement('queue/fail_request');
const START_PROCESSING = statement('queue/start_processing');
const HEARTBEAT_REQUESTS = statement('queue/heartbeat_requests');
const LOCK_REQUEST_FOR_WRITE = statement('queue/lock_request_for_write');

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
