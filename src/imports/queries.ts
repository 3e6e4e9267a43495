// Typed wrappers of sql/queries/imports/*.sql (STYLE #5): the import row's life and its chunks.
import { run, type Queryable, type Tx } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import type { ImportStatus } from '../domain/imports/import-schema.ts';
import type { ImportCounts } from '../domain/imports/import-tally.ts';
import type { ImportParams } from '../domain/imports/import-schema.ts';

const INSERT_IMPORT = statement('imports/insert_import');
const APPEND_CHUNK = statement('imports/append_chunk');
const FINISH_UPLOAD = statement('imports/finish_upload');
const FIND_IMPORT_BY_KEY = statement('imports/find_import_by_key');
const DISCARD_UPLOAD = statement('imports/discard_upload');
const DELETE_ABANDONED_UPLOADS = statement('imports/delete_abandoned_uploads');
const GET_IMPORT = statement('imports/get_import');
const GET_IMPORT_BY_ID = statement('imports/get_import_by_id');
const LIST_IMPORTS = statement('imports/list_imports');
const LIST_IMPORTS_BY_STATUS = statement('imports/list_imports_by_status');
const COUNT_IMPORTS_BY_STATUS = statement('imports/count_imports_by_status');
const CLAIM_IMPORT_LEASE = statement('imports/claim_import_lease');
const LEASE_HOLDER = statement('imports/lease_holder');
const HEARTBEAT_IMPORT = statement('imports/heartbeat_import');
const RELEASE_IMPORT_LEASE = statement('imports/release_import_lease');
const READ_CHUNKS = statement('imports/read_chunks');
const LOCK_IMPORT_FOR_WRITE = statement('imports/lock_import_for_write');
const LOCK_IMPORT_OF_USER = statement('imports/lock_import_of_user');
const RECORD_IMPORT_PROGRESS = statement('imports/record_import_progress');
const FINISH_IMPORT = statement('imports/finish_import');
const DELETE_IMPORT_CHUNKS = statement('imports/delete_import_chunks');
const LIST_STALLED_IMPORTS = statement('imports/list_stalled_imports');

/** An import row as stored (_import_row.sql), in the service's terms. */
export interface ImportRow {
  id: string;
  userId: string;
  format: string;
  status: ImportStatus | 'receiving';
  params: ImportParams;
  bytesTotal: number | null;
  bytesRead: number;
  counts: ImportCounts;
  resumePosition: number;
  watermarkSeq: number | null;
  slices: number;
  error: { code: string; message: string } | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  bodySha256: string | null;
}

interface RawImportRow {
  id: string;
  user_id: string;
  format: string;
  status: ImportRow['status'];
  params: ImportParams;
  bytes_total: string | null;
  bytes_read: string;
  records_read: string;
  accepted: string;
  unchanged: string;
  failed: string;
  failed_by_code: Record<string, number>;
  skipped_by_type: Record<string, number>;
  errors: ImportCounts['errors'];
  resume_position: string;
  watermark_seq: string | null;
  slices: number;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  body_sha256: string | null;
}

const numberOrNull = (text: string | null) => (text === null ? null : Number(text));

function toImportRow(raw: RawImportRow): ImportRow {
  return {
    id: raw.id,
    userId: raw.user_id,
    format: raw.format,
    status: raw.status,
    params: raw.params ?? {},
    bytesTotal: numberOrNull(raw.bytes_total),
    bytesRead: Number(raw.bytes_read),
    counts: {
      recordsRead: Number(raw.records_read),
      accepted: Number(raw.accepted),
      unchanged: Number(raw.unchanged),
      failed: Number(raw.failed),
      failedByCode: raw.failed_by_code,
      skippedByType: raw.skipped_by_type,
      errors: raw.errors,
    },
    resumePosition: Number(raw.resume_position),
    watermarkSeq: numberOrNull(raw.watermark_seq),
    slices: raw.slices,
    error: raw.error_code === null ? null : { code: raw.error_code, message: raw.error_message ?? '' },
    createdAt: raw.created_at,
    startedAt: raw.started_at,
    finishedAt: raw.finished_at,
    bodySha256: raw.body_sha256,
  };
}

const rows = async (pending: Promise<RawImportRow[]>) => (await pending).map(toImportRow);
const first = async (pending: Promise<RawImportRow[]>) => (await rows(pending))[0] ?? null;

export function insertImport(db: Queryable, input: { id: string; userId: string; format: string; params: ImportParams }): Promise<unknown> {
  return run(db, INSERT_IMPORT, [input.id, input.userId, input.format, input.params]);
}

export function appendChunk(db: Queryable, importId: string, seq: number, bytes: Uint8Array): Promise<unknown> {
  return run(db, APPEND_CHUNK, [importId, seq, bytes]);
}

export function finishUpload(
  db: Queryable,
  input: { id: string; bytesTotal: number; bodySha256: string; idempotencyKey: string | null },
): Promise<ImportRow | null> {
  return first(run<RawImportRow>(db, FINISH_UPLOAD, [input.id, input.bytesTotal, input.bodySha256, input.idempotencyKey]));
}

export function findImportByKey(db: Queryable, userId: string, idempotencyKey: string): Promise<ImportRow | null> {
  return first(run<RawImportRow>(db, FIND_IMPORT_BY_KEY, [userId, idempotencyKey]));
}

export function discardUpload(db: Queryable, id: string): Promise<unknown> {
  return run(db, DISCARD_UPLOAD, [id]);
}

/** Retention: uploads left in 'receiving' for `days` (a process died mid-upload), up to `maxRows`. */
export async function deleteAbandonedUploads(db: Queryable, days: number, maxRows: number): Promise<number> {
  const [row] = await run<{ deleted: number }>(db, DELETE_ABANDONED_UPLOADS, [days, maxRows]);
  return row!.deleted;
}

export function getImport(db: Queryable, userId: string, id: string): Promise<ImportRow | null> {
  return first(run<RawImportRow>(db, GET_IMPORT, [userId, id]));
}

export function getImportById(db: Queryable, id: string): Promise<ImportRow | null> {
  return first(run<RawImportRow>(db, GET_IMPORT_BY_ID, [id]));
}

export function listImports(db: Queryable, userId: string, limit: number): Promise<ImportRow[]> {
  return rows(run<RawImportRow>(db, LIST_IMPORTS, [userId, limit]));
}

export function listImportsByStatus(db: Queryable, statuses: readonly string[], limit: number): Promise<ImportRow[]> {
  return rows(run<RawImportRow>(db, LIST_IMPORTS_BY_STATUS, [statuses, limit]));
}

export async function countImportsByStatus(db: Queryable): Promise<Map<string, number>> {
  const found = await run<{ status: string; count: string }>(db, COUNT_IMPORTS_BY_STATUS);
  return new Map(found.map((row) => [row.status, Number(row.count)]));
}

export function claimImportLease(db: Queryable, id: string, owner: string, leaseMs: number): Promise<ImportRow | null> {
  return first(run<RawImportRow>(db, CLAIM_IMPORT_LEASE, [id, owner, leaseMs]));
}

export async function leaseHolder(
  db: Queryable,
  id: string,
): Promise<{ status: ImportRow['status']; leaseOwner: string | null; leaseExpiresAt: Date | null } | null> {
  const [row] = await run<{ status: ImportRow['status']; lease_owner: string | null; lease_expires_at: Date | null }>(db, LEASE_HOLDER, [id]);
  return row ? { status: row.status, leaseOwner: row.lease_owner, leaseExpiresAt: row.lease_expires_at } : null;
}

export async function heartbeatImport(db: Queryable, id: string, owner: string, leaseMs: number): Promise<boolean> {
  return (await run(db, HEARTBEAT_IMPORT, [id, owner, leaseMs])).length > 0;
}

export async function releaseImportLease(db: Queryable, id: string, owner: string): Promise<boolean> {
  return (await run(db, RELEASE_IMPORT_LEASE, [id, owner])).length > 0;
}

export function readChunks(db: Queryable, importId: string, fromSeq: number, limit: number): Promise<{ seq: number; bytes: Uint8Array }[]> {
  return run<{ seq: number; bytes: Uint8Array }>(db, READ_CHUNKS, [importId, fromSeq, limit]);
}

export async function lockImportForWrite(tx: Tx, userId: string, id: string, owner: string): Promise<boolean> {
  return (await run(tx, LOCK_IMPORT_FOR_WRITE, [userId, id, owner])).length > 0;
}

export async function lockImportOfUser(tx: Tx, userId: string, id: string): Promise<boolean> {
  return (await run(tx, LOCK_IMPORT_OF_USER, [userId, id])).length > 0;
}

interface ChangeRecord {
  event: { type: string; payload: unknown } | null;
}

export async function recordImportProgress(
  tx: Tx,
  input: ChangeRecord & {
    userId: string;
    id: string;
    resumePosition: number;
    bytesRead: number;
    counts: ImportCounts;
    leaseMs: number;
  },
): Promise<number | null> {
  const { counts } = input;
  const [row] = await run<{ watermark_seq: string | null }>(tx, RECORD_IMPORT_PROGRESS, [
    input.userId,
    input.id,
    input.event !== null,
    input.event?.type ?? null,
    input.event?.payload ?? null,
    input.resumePosition,
    input.bytesRead,
    counts.recordsRead,
    counts.accepted,
    counts.unchanged,
    counts.failed,
    counts.failedByCode,
    counts.skippedByType,
    counts.errors,
    input.leaseMs,
  ]);
  if (!row) throw new Error('the import row is gone');
  return numberOrNull(row.watermark_seq);
}

export async function finishImport(
  tx: Tx,
  input: ChangeRecord & {
    userId: string;
    id: string;
    status: 'completed' | 'failed' | 'cancelled';
    error: { code: string; message: string } | null;
    bytesRead: number | null;
  },
): Promise<number | null> {
  const [row] = await run<{ watermark_seq: string | null }>(tx, FINISH_IMPORT, [
    input.userId,
    input.id,
    input.event !== null,
    input.event?.type ?? null,
    input.event?.payload ?? null,
    input.status,
    input.error?.code ?? null,
    input.error?.message ?? null,
    input.bytesRead,
  ]);
  if (!row) throw new Error('the import row is gone');
  return numberOrNull(row.watermark_seq);
}

export async function deleteImportChunks(db: Queryable, importId: string, maxRows: number): Promise<number> {
  const result = (await run(db, DELETE_IMPORT_CHUNKS, [importId, maxRows])) as unknown as { count: number };
  return result.count;
}

export async function listStalledImports(db: Queryable, idleSeconds: number, limit: number): Promise<{ id: string; slices: number }[]> {
  return run<{ id: string; slices: number }>(db, LIST_STALLED_IMPORTS, [idleSeconds, limit]);
}
