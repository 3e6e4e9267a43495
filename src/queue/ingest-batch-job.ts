// The one BullMQ job type of the service: a large upload, validated and normalized at the API,
// carried to a worker as an encoded batch (see batch-codec.ts).
//
// Delivery: at-least-once. The PostgreSQL request row is the truth, not the job: a job writes
// only while its attempt still owns the row ('processing', same attempts), inside the same
// transaction that completes the row, so a duplicate or late job writes nothing twice.
import type { JobsOptions } from 'bullmq';

export const INGEST_QUEUE_NAME = 'health-ingest-batch';
export const INGEST_JOB_NAME = 'ingest-batch';

export interface IngestJobData {
  userId: string;
  requestId: string;
  /** the request row's `attempts` when this job was added */
  attempt: number;
  /** encodeBatch(PreparedBatch) */
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
