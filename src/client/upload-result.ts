// One result for a whole upload, merged from its batches' results (CONTRACT §4.5 shape): the
// counts summed, each failure's index (and JSON pointer) mapped back to the caller's arrays,
// the highest watermarkSeq kept (the user's watermark after the last write of the upload).
import type { PlannedBatch } from './batches.ts';
import { HealthIngestError, type FieldError } from './errors.ts';

export interface UploadFailure {
  /** index into the caller's `samples` */
  index: number;
  code: string;
  message: string;
  /** JSON pointer into the caller's arrays, for INVALID_FIELD */
  path?: string;
  sourceRecordId?: string | null;
}

export interface UploadResult {
  accepted: number;
  unchanged: number;
  deleted: number;
  /** ascending by index */
  failed: UploadFailure[];
  /** the user's watermark after this upload's writes; null when nothing changed */
  watermarkSeq: number | null;
  /** requests the upload was sent as */
  batches: number;
  /** of them, answered from the service's stored reply (Idempotent-Replayed: a re-run, or a re-send after a lost answer) */
  replayedBatches: number;
}

/** The parts of a batch's result the merge reads (§4.5, the service's IngestResult). */
export interface BatchResult {
  accepted: number;
  unchanged: number;
  deleted: number;
  failed: Array<{ index: number; code: string; message: string; path?: string; sourceRecordId?: string | null }>;
  watermarkSeq: number | null;
}

type BatchPositions = Pick<PlannedBatch, 'sampleIndexes' | 'deletedIndexes'>;

export class UploadTally {
  private accepted = 0;
  private unchanged = 0;
  private deleted = 0;
  private readonly failed: UploadFailure[] = [];
  private watermarkSeq: number | null = null;
  private batches = 0;
  private replayedBatches = 0;

  add(batch: BatchPositions, result: BatchResult, replayed: boolean): void {
    this.accepted += result.accepted;
    this.unchanged += result.unchanged;
    this.deleted += result.deleted;
    for (const failure of result.failed) {
      const mapped: UploadFailure = { ...failure, index: batch.sampleIndexes[failure.index] ?? failure.index };
      if (failure.path !== undefined) mapped.path = callerPath(failure.path, batch);
      this.failed.push(mapped);
    }
    if (result.watermarkSeq !== null && (this.watermarkSeq === null || result.watermarkSeq > this.watermarkSeq)) {
      this.watermarkSeq = result.watermarkSeq;
    }
    this.batches += 1;
    if (replayed) this.replayedBatches += 1;
  }

  /** A sample the SDK did not send: alone it is over the body cap. */
  addUnsendable(index: number, bytes: number, cap: number): void {
    this.failed.push({ index, code: 'PAYLOAD_TOO_LARGE', message: `the sample encodes to ${bytes} bytes, more than a whole request may hold (${cap})` });
  }

  result(): UploadResult {
    return {
      accepted: this.accepted,
      unchanged: this.unchanged,
      deleted: this.deleted,
      failed: [...this.failed].sort((a, b) => a.index - b.index),
      watermarkSeq: this.watermarkSeq,
      batches: this.batches,
      replayedBatches: this.replayedBatches,
    };
  }
}

/** /samples/3/startAt of a batch → /samples/<caller's index>/startAt; other pointers unchanged. */
export function callerPath(path: string, batch: BatchPositions): string {
  const match = /^\/(samples|deleted)\/(\d+)(\/.*)?$/.exec(path);
  if (!match) return path;
  const indexes = match[1] === 'samples' ? batch.sampleIndexes : batch.deletedIndexes;
  const index = indexes[Number(match[2])];
  return index === undefined ? path : `/${match[1]}/${index}${match[3] ?? ''}`;
}

/** A batch's problem with its field pointers in the caller's indexes. */
export function inCallerTerms(error: HealthIngestError, batch: BatchPositions): HealthIngestError {
  if (!error.errors) return error;
  const errors: FieldError[] = error.errors.map((item) => ({ ...item, path: callerPath(item.path, batch) }));
  const { status, code, detail, title, requestId, retryAfterMs, body, cause } = error;
  return new HealthIngestError({ status, code, detail, title, requestId, errors, retryAfterMs, body, cause });
}

/** Checks that an answer is a batch result (so a wrong answer fails loudly, not as NaN counts). */
export function asBatchResult(body: unknown): BatchResult | undefined {
  const value = body as Partial<BatchResult> | null;
  if (typeof value !== 'object' || value === null) return undefined;
  const counts = [value.accepted, value.unchanged, value.deleted].every((n) => typeof n === 'number');
  const seq = value.watermarkSeq === null || typeof value.watermarkSeq === 'number';
  return counts && seq && Array.isArray(value.failed) ? (value as BatchResult) : undefined;
}
