// The end of the ingest core shared by the inline path and the queue worker: inside a transaction
// that holds the user's lock and a claimed request row, after the samples were written and the
// deletes applied, build the reply and complete the request with its event — all or nothing.
import type { Tx } from '../db/client.ts';
import { buildSamplesChangedPayload, SAMPLES_CHANGED, type TouchedSpan } from '../domain/change-event.ts';
import { buildIngestResult } from '../domain/ingest-result.ts';
import { sampleKey } from '../domain/sample-rules.ts';
import type { NormalizedDeleteRef, NormalizedSample, SampleFailure } from '../domain/types.ts';
import { completeRequest, type DeletedSample, type WrittenSample } from './queries.ts';

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

export interface StoredReply {
  statusCode: number;
  bodyText: string;
}

/**
 * After the samples are written and the deletes applied (by whichever statements, in that
 * order): complete the request with its event and reply. `rows` are the deduplicated rows sent.
 */
export async function finishBatch(
  tx: Tx,
  batch: PreparedBatch,
  rows: readonly NormalizedSample[],
  written: readonly WrittenSample[],
  deleted: readonly DeletedSample[],
): Promise<StoredReply> {

  const spans: TouchedSpan[] = [];
  const writtenKeys = new Set<string>();
  let seq: number | null = null;
  const rowsByKey = new Map(rows.map((row) => [sampleKey(row), row]));
  for (const change of written) {
    const key = sampleKey(change);
    const row = rowsByKey.get(key);
    if (!row) throw new Error('the upsert returned a key that was not in the batch');
    writtenKeys.add(key);
    seq = change.changedSeq;
    spans.push(row);
    if (change.previousSpan) spans.push(change.previousSpan);
  }
  for (const row of deleted) {
    seq = row.changedSeq;
    spans.push({
      metricCode: row.metricCode,
      startAtMs: row.startAt.getTime(),
      endAtMs: row.endAt.getTime(),
      timezoneOffsetMinutes: row.timezoneOffsetMinutes,
    });
  }

  const result = buildIngestResult({
    requestId: batch.requestId,
    valid: batch.valid,
    writtenKeys,
    failures: batch.failures,
    deletedCount: deleted.length,
    watermarkSeq: seq,
  });
  const bodyText = JSON.stringify(result.body);
  const committedSeq = await completeRequest(tx, {
    userId: batch.userId,
    requestId: batch.requestId,
    event:
      seq === null
        ? null
        : {
            type: SAMPLES_CHANGED,
            payload: { ...buildSamplesChangedPayload({ userId: batch.userId, requestId: batch.requestId, seq, spans }) },
          },
    responseStatus: result.statusCode,
    responseBody: bodyText,
  });
  if (committedSeq !== seq) {
    // the user's lock makes this impossible; if it ever happens, roll back rather than lie
    throw new Error(`watermark mismatch: wrote seq ${seq}, bumped to ${committedSeq}`);
  }
  return { statusCode: result.statusCode, bodyText };
}
