// An upload as the write core sees it (write-group.ts GroupPart): its normalized rows, and a
// completion that stores the reply in its request row with the change's watermark bump and event
// (requests/complete_request; in a sequence, where the write core bumped the watermark already,
// requests/complete_sequence_part), all in the write transaction. The inline path and the queue
// worker build their parts here and differ only in the claim.
import type { Tx } from '../db/client.ts';
import { buildIngestResult } from '../domain/ingest/ingest-result.ts';
import type { NormalizedDeleteRef, NormalizedSample, SampleFailure } from '../domain/types.ts';
import { completeRequest, completeSequencePart } from '../requests/queries.ts';
import type { GroupPart } from './write-group.ts';

export interface PreparedBatch {
  userId: string;
  requestId: string;
  payloadHash: string;
  itemCount: number;
  /** when the server received the request: decides which write wins (CONTRACT §4.4) */
  receivedAt: Date;
  /** SHA-256 of the body bytes, for the replay fast path; null when not known */
  bodyDigest: string | null;
  valid: NormalizedSample[];
  failures: SampleFailure[];
  deleteRefs: NormalizedDeleteRef[];
}

/** A finished upload's reply as stored: the exact bytes a replay returns. */
export interface StoredReply {
  status: number;
  bodyText: string;
}

/** What an upload is answered. */
export interface Reply extends StoredReply {
  headers: Record<string, string>;
}

/** The upload as a part of a group write; `claim` is the path's (inline claim, or the worker's lease). */
export function uploadPart(batch: PreparedBatch, claim: (tx: Tx) => Promise<boolean>): GroupPart<StoredReply> {
  return {
    userId: batch.userId,
    changeId: batch.requestId,
    receivedAt: batch.receivedAt,
    samples: batch.valid,
    deleteRefs: batch.deleteRefs,
    claim,
    async complete(tx, change) {
      const result = buildIngestResult({
        requestId: batch.requestId,
        valid: batch.valid,
        unchanged: change.unchanged,
        failures: batch.failures,
        deletedCount: change.deletedCount,
        watermarkSeq: change.seq,
      });
      const bodyText = JSON.stringify(result.body);
      const completion = {
        userId: batch.userId,
        requestId: batch.requestId,
        event: change.event,
        responseStatus: result.statusCode,
        responseBody: bodyText,
      };
      const committedSeq = change.watermarkBumped
        ? await completeSequencePart(tx, { ...completion, seq: change.seq })
        : await completeRequest(tx, completion);
      return { committedSeq, result: { status: result.statusCode, bodyText } };
    },
  };
}
