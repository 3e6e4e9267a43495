// The API side of the queue path (CONTRACT §4.5), the ingest use case's BatchQueue: encode → cap →
// claim 'queued' → add → 202.
// The cap is checked on the encoded job before anything touches PostgreSQL or Redis, so an
// over-cap batch costs no Redis command. If Redis refuses the job, the attempt is marked failed
// and the client's retry with the same requestId processes it again.
import type { Queue } from 'bullmq';
import type { Sql } from '../db/client.ts';
import { RETRY_AFTER_SECONDS } from '../domain/ingest/idempotency.ts';
import { ProblemError, retryLater } from '../domain/problems.ts';
import { QUEUE_RETRY_AFTER_SECONDS } from '../limits.ts';
import { bounded } from '../bounded.ts';
import type { PreparedBatch, Reply } from '../ingest/finish-batch.ts';
import { answerTaken, refuseFencedUpload, type BatchQueue } from '../ingest/submit.ts';
import type { Logger } from '../log.ts';
import { encodeBatch, INGEST_JOB_NAME, INGEST_JOB_OPTIONS, ingestJobId, JOB_ENVELOPE_BYTES, type IngestJobData } from './ingest-batch-job.ts';
import { claimQueuedRequest, failRequest, lookupRequest } from '../requests/queries.ts';

export interface BatchQueueDeps {
  db: Sql;
  queue: Queue<IngestJobData>;
  log: Logger;
  maxJobPayloadBytes: number;
  staleAfterSeconds: number;
  /** how long an add may take before Redis counts as unreachable */
  addTimeoutMs?: number;
}

export function createBatchQueue(deps: BatchQueueDeps): BatchQueue {
  return {
    async releaseAbandoned(userId, requestId, attempt) {
      let state: string;
      try {
        state = await bounded(deps.queue.getJobState(ingestJobId(userId, requestId, attempt)), deps.addTimeoutMs ?? 2000, 'queue job look-up');
      } catch {
        return false; // Redis cannot tell: keep answering 409
      }
      // gone, or finished without completing the request (its worker died before doing so)
      if (state !== 'unknown' && state !== 'failed' && state !== 'completed') return false;
      return failRequest(deps.db, { userId, requestId, attempt }, `job ${state === 'unknown' ? 'lost' : state} while queued`);
    },

    async submit(batch: PreparedBatch): Promise<Reply> {
      const encoded = encodeBatch(batch);
      const jobBytes = encoded.length + JOB_ENVELOPE_BYTES;
      if (jobBytes > deps.maxJobPayloadBytes) {
        throw new ProblemError(
          'PAYLOAD_TOO_LARGE',
          `the encoded batch is ${jobBytes} bytes; the cap is ${deps.maxJobPayloadBytes}`,
          { maxBytes: deps.maxJobPayloadBytes },
        );
      }
      const attempt = await claimQueuedRequest(deps.db, batch, deps.staleAfterSeconds);
      if (attempt === null) {
        const earlier = await lookupRequest(deps.db, batch.userId, batch.requestId, deps.staleAfterSeconds);
        // the claim also refuses an upload an erasure fences off (claim_queued_request)
        refuseFencedUpload(earlier, batch.receivedAt);
        return answerTaken(earlier, batch.payloadHash);
      }
      const data: IngestJobData = { userId: batch.userId, requestId: batch.requestId, attempt, batch: encoded };
      try {
        await bounded(
          deps.queue.add(INGEST_JOB_NAME, data, { ...INGEST_JOB_OPTIONS, jobId: ingestJobId(batch.userId, batch.requestId, attempt) }),
          deps.addTimeoutMs ?? 2000,
          'enqueue',
        );
      } catch (error) {
        deps.log.warn({ requestId: batch.requestId, err: error }, 'enqueue failed; request left retryable');
        await failRequest(deps.db, { userId: batch.userId, requestId: batch.requestId, attempt }, 'enqueue failed: queue unavailable');
        throw retryLater('QUEUE_UNAVAILABLE', 'the queue is unavailable; retry later with the same requestId', QUEUE_RETRY_AFTER_SECONDS);
      }
      // not a problem, but the same pair: when to ask the Location for the result
      const body = { requestId: batch.requestId, status: 'queued', retryAfterMs: RETRY_AFTER_SECONDS * 1000 };
      return {
        status: 202,
        bodyText: JSON.stringify(body),
        headers: {
          'retry-after': String(RETRY_AFTER_SECONDS),
          location: `/api/v1/health/ingest-requests/${batch.requestId}`,
        },
      };
    },
  };
}
