// Typed wrappers over sql/queries/erasure/*.sql: the erasure's row (user_erasures, migration
// 0010) from start to completion, and its steps' chunks.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';

const LOCK_USER = statement('erasure/lock_user');
const START_ERASURE = statement('erasure/start_erasure');
const GET_ERASURE = statement('erasure/get_erasure');
const CLAIM_ERASURE = statement('erasure/claim_erasure');
const RENEW_ERASURE_LEASE = statement('erasure/renew_erasure_lease');
const RELEASE_ERASURE_LEASE = statement('erasure/release_erasure_lease');
const LIST_RESUMABLE_ERASURES = statement('erasure/list_resumable_erasures');
const RECORD_USER_ERASED = statement('erasure/record_user_erased');
const COMPLETE_ERASURE = statement('erasure/complete_erasure');
const COUNT_ERASED_ROWS = statement('erasure/count_erased_rows');

export type ErasureStatus = 'running' | 'completed';
export type DeletedRows = Record<string, number>;

export interface ErasureRecord {
  id: string;
  userId: string;
  status: ErasureStatus;
  /** 'user', or 'admin:' + the first 16 hex digits of the SHA-256 of the admin key */
  requestedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  deleted: DeletedRows;
}

interface ErasureRow {
  id: string;
  user_id?: string;
  status: ErasureStatus;
  requested_by: string;
  started_at: Date;
  finished_at: Date | null;
  deleted: DeletedRows;
}

const toRecord = (row: ErasureRow, userId: string): ErasureRecord => ({
  id: row.id,
  userId,
  status: row.status,
  requestedBy: row.requested_by,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  deleted: row.deleted,
});

/** The user's write lock, in a transaction (released at its end). */
export async function lockUser(tx: Queryable, userId: string): Promise<void> {
  await run(tx, LOCK_USER, [userId]);
}

/** After lockUser in the same transaction: the user's running erasure, started now if there was none. */
export async function startErasure(
  tx: Queryable,
  input: { userId: string; erasureId: string; requestedBy: string; startedAt: Date },
): Promise<{ erasure: ErasureRecord; created: boolean }> {
  const [row] = await run<ErasureRow & { created: boolean }>(tx, START_ERASURE, [input.userId, input.erasureId, input.requestedBy, input.startedAt]);
  if (!row) throw new Error('start_erasure returned no row');
  return { erasure: toRecord(row, input.userId), created: row.created };
}

export async function getErasure(db: Queryable, userId: string, erasureId: string): Promise<ErasureRecord | null> {
  const [row] = await run<ErasureRow>(db, GET_ERASURE, [userId, erasureId]);
  return row ? toRecord(row, userId) : null;
}

export interface ErasureClaim {
  erasureId: string;
  userId: string;
  attempt: number;
  startedAt: Date;
}

/** Takes the erasure's lease; null when another runner holds it or it is no longer running. */
export async function claimErasure(db: Queryable, erasureId: string, leaseSeconds: number): Promise<ErasureClaim | null> {
  const [row] = await run<{ id: string; user_id: string; attempts: number; started_at: Date }>(db, CLAIM_ERASURE, [erasureId, leaseSeconds]);
  return row ? { erasureId: row.id, userId: row.user_id, attempt: row.attempts, startedAt: row.started_at } : null;
}

/** Extends the lease; false when it was lost. */
export async function renewErasureLease(db: Queryable, claim: ErasureClaim, leaseSeconds: number): Promise<boolean> {
  return (await run(db, RENEW_ERASURE_LEASE, [claim.erasureId, claim.attempt, leaseSeconds])).length === 1;
}

/** Adds rows erased outside a step statement to the erasure's count under `key`. */
export async function countErasedRows(db: Queryable, erasureId: string, key: string, rows: number): Promise<void> {
  await run(db, COUNT_ERASED_ROWS, [erasureId, key, rows]);
}

/** Gives the lease up (the runner failed); a retry or the sweep takes the erasure over. */
export async function releaseErasureLease(db: Queryable, claim: ErasureClaim): Promise<void> {
  await run(db, RELEASE_ERASURE_LEASE, [claim.erasureId, claim.attempt]);
}

export async function listResumableErasures(db: Queryable, unclaimedAfterSeconds: number, limit: number): Promise<string[]> {
  return (await run<{ id: string }>(db, LIST_RESUMABLE_ERASURES, [unclaimedAfterSeconds, limit])).map((row) => row.id);
}

/** Where a keyset step's next chunk starts: the last key deleted (null: the first). */
export type ChunkKey = unknown[] | null;

/** One chunk of one step, counted in the erasure: rows deleted, and for a keyset step the key to go on after. */
export async function eraseChunk(
  db: Queryable,
  step: { statement: string; keyset: boolean },
  claim: ErasureClaim,
  rows: number,
  after: ChunkKey = null,
): Promise<{ deleted: number; after: ChunkKey }> {
  const params = step.keyset ? [claim.userId, rows, claim.erasureId, after] : [claim.userId, rows, claim.erasureId];
  const [row] = await run<{ deleted: number; after?: unknown[] | null }>(db, step.statement, params);
  return { deleted: row!.deleted, after: row!.after ?? null };
}

/** Bumps the watermark and appends the health.user.erased event with that seq; returns the seq. */
export async function recordUserErased(tx: Queryable, userId: string, erasureId: string, event: { type: string; payload: object }): Promise<number> {
  const [row] = await run<{ seq: string | number }>(tx, RECORD_USER_ERASED, [userId, erasureId, true, event.type, event.payload]);
  return Number(row!.seq);
}

/** Completes the erasure while this claim holds it; null when it lost the lease (the caller rolls back). */
export async function completeErasure(tx: Queryable, claim: ErasureClaim): Promise<Date | null> {
  const [row] = await run<{ finished_at: Date }>(tx, COMPLETE_ERASURE, [claim.erasureId, claim.attempt]);
  return row?.finished_at ?? null;
}
