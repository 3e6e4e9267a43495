// The one BullMQ job type of the service (STYLE #10: name, payload, codec, id and options in one
// file): a large upload, validated and normalized at the API, carried to a worker as an encoded
// batch.
//
// Delivery: at-least-once. The PostgreSQL request row is the truth, not the job: a job writes
// only while its attempt still owns the row ('processing', same attempts), inside the same
// transaction that completes the row, so a duplicate or late job writes nothing twice.
import type { JobsOptions } from 'bullmq';
import { Packr } from 'msgpackr';
import type { PreparedBatch } from '../ingest/finish-batch.ts';

export const INGEST_QUEUE_NAME = 'health-ingest-batch';
export const INGEST_JOB_NAME = 'ingest-batch';

export interface IngestJobData {
  userId: string;
  requestId: string;
  /** the request row's `attempts` when this job was added */
  attempt: number;
  /** encodeBatch(PreparedBatch), below */
  batch: string;
}

/** Same request and attempt → same job id, so a duplicate add is a no-op (BullMQ forbids ':'). */
export const ingestJobId = (userId: string, requestId: string, attempt: number) => `${userId}.${requestId}.${attempt}`;

export const INGEST_JOB_ATTEMPTS = 4;

export const INGEST_JOB_OPTIONS: JobsOptions = {
  attempts: INGEST_JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1000 },
  // job payloads hold health data in clear text: keep them in Redis no longer than needed
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600, count: 1000 },
};

/** Bytes the job adds to Redis beyond the encoded batch (ids, attempt, JSON punctuation). */
export const JOB_ENVELOPE_BYTES = 256;

// The payload codec: msgpack (records off: msgpackr's record extension and its native addon have
// decoded differently from pure JS, msgpackr #193), then zstd level 1 (built into Bun; ~10× smaller
// than msgpack alone for sample batches), then base64 — BullMQ stores job data with
// JSON.stringify, which would turn a Buffer into an array of numbers 2.6× larger.
const packr = new Packr({ useRecords: false, moreTypes: false });

/** Wire form: Dates become epoch milliseconds so the codec never depends on extensions. */
interface EncodedBatch extends Omit<PreparedBatch, 'receivedAt'> {
  v: 1;
  receivedAtMs: number;
}

export function encodeBatch(batch: PreparedBatch): string {
  const wire: EncodedBatch = { ...batch, v: 1, receivedAtMs: batch.receivedAt.getTime() };
  delete (wire as Partial<PreparedBatch>).receivedAt;
  const packed = packr.pack(wire);
  return Buffer.from(Bun.zstdCompressSync(packed, { level: 1 })).toString('base64');
}

export function decodeBatch(data: string): PreparedBatch {
  const packed = Bun.zstdDecompressSync(Buffer.from(data, 'base64'));
  const wire = packr.unpack(packed) as EncodedBatch;
  if (wire?.v !== 1) throw new Error('unknown job payload version');
  const { v: _version, receivedAtMs, ...rest } = wire;
  return { ...rest, receivedAt: new Date(receivedAtMs) };
}
