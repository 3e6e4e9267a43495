// Cutting an upload into batches the service takes (CONTRACT §4.1): at most `maxItemsPerArray`
// samples and as many deletes per batch, and a JSON body of at most `maxBodyBytes` (measured as
// UTF-8, before any compression: the service's caps apply to decoded bytes). Batches also stay
// under `maxItemsPerBatch` (samples + deletes) — by default just below the service's queue
// threshold, so each is answered inline: a queued batch waits at least the 1 s its 202 asks
// before its first poll (50,000 samples: 57 s in 500-item queued batches, 3 s in 399-item
// inline ones, 2 in flight, on this machine).
//
// The cut is greedy and walks the samples first, then the deletes, filling each batch in turn.
// So it is a pure function of the input and the limits (a re-run with the same input and
// options yields the same batches, hence the same requestIds), a longer input that starts with
// the same items yields the same leading batches, and every delete goes in the same batch as,
// or a later batch than, every sample: the service applies a batch's deletes after its samples,
// so an upload split in batches deletes exactly what it would delete as one request.
//
// Batches are produced lazily: an upload of a year of samples holds only the batches in flight.
import { elementText, utf8ByteLength } from './payload-hash.ts';

export interface BatchLimits {
  /** per array (samples, deleted): the service's MAX_BATCH_ITEMS */
  maxItemsPerArray: number;
  /** samples + deletes of one batch (Infinity: only the per-array cap) */
  maxItemsPerBatch: number;
  /** the whole JSON body: the service's MAX_JOB_PAYLOAD_BYTES */
  maxBodyBytes: number;
}

export interface PlannedBatch {
  /** position of the batch within the upload, from 0 */
  ordinal: number;
  /** each element's JSON text, as it goes into the body */
  sampleTexts: string[];
  deletedTexts: string[];
  /** the caller's index of each sample / delete ref of the batch, position by position */
  sampleIndexes: number[];
  deletedIndexes: number[];
  /** the sourceRecordIds this batch writes or deletes (the only field every key has) */
  recordIds: Set<string>;
}

/** A sample whose JSON alone is over the body cap: reported as failed, never sent. */
export interface OversizedSample {
  oversized: true;
  index: number;
  bytes: number;
}

/** A delete ref whose JSON alone is over the body cap (deletes have no failed[] to go in). */
export class OversizedDeleteRef extends Error {
  constructor(readonly index: number, readonly bytes: number, cap: number) {
    super(`deleted[${index}] encodes to ${bytes} bytes, more than a whole request may hold (${cap})`);
  }
}

const ENVELOPE_BYTES = bodyText('00000000-0000-0000-0000-000000000000', '0'.repeat(64), [], ['']).length;

/** The request body: the element texts as they are, in the caller's order. */
export function bodyText(requestId: string, payloadHash: string, sampleTexts: readonly string[], deletedTexts: readonly string[]): string {
  const deleted = deletedTexts.length > 0 ? `,"deleted":[${deletedTexts.join(',')}]` : '';
  return `{"requestId":"${requestId}","payloadHash":"${payloadHash}","samples":[${sampleTexts.join(',')}]${deleted}}`;
}

export function* planBatches(
  samples: readonly unknown[],
  deleted: readonly unknown[],
  limits: BatchLimits,
): Generator<PlannedBatch | OversizedSample> {
  let ordinal = 0;
  let batch = emptyBatch(ordinal);
  let bytes = ENVELOPE_BYTES;
  const roomFor = (count: number, elementBytes: number) =>
    count < limits.maxItemsPerArray &&
    batch.sampleTexts.length + batch.deletedTexts.length < limits.maxItemsPerBatch &&
    bytes + elementBytes + 1 <= limits.maxBodyBytes;

  for (let index = 0; index < samples.length; index += 1) {
    const text = elementText(samples[index]);
    const size = utf8ByteLength(text);
    if (ENVELOPE_BYTES + size + 1 > limits.maxBodyBytes) {
      yield { oversized: true, index, bytes: size };
      continue;
    }
    if (!roomFor(batch.sampleTexts.length, size)) {
      yield batch;
      batch = emptyBatch(++ordinal);
      bytes = ENVELOPE_BYTES;
    }
    batch.sampleTexts.push(text);
    batch.sampleIndexes.push(index);
    noteRecordId(batch, samples[index]);
    bytes += size + 1;
  }
  for (let index = 0; index < deleted.length; index += 1) {
    const text = elementText(deleted[index]);
    const size = utf8ByteLength(text);
    if (ENVELOPE_BYTES + size + 1 > limits.maxBodyBytes) throw new OversizedDeleteRef(index, size, limits.maxBodyBytes);
    if (!roomFor(batch.deletedTexts.length, size)) {
      yield batch;
      batch = emptyBatch(++ordinal);
      bytes = ENVELOPE_BYTES;
    }
    batch.deletedTexts.push(text);
    batch.deletedIndexes.push(index);
    noteRecordId(batch, deleted[index]);
    bytes += size + 1;
  }
  if (batch.sampleTexts.length > 0 || batch.deletedTexts.length > 0) yield batch;
}

function emptyBatch(ordinal: number): PlannedBatch {
  return { ordinal, sampleTexts: [], deletedTexts: [], sampleIndexes: [], deletedIndexes: [], recordIds: new Set() };
}

function noteRecordId(batch: PlannedBatch, item: unknown): void {
  const id = (item as { sourceRecordId?: unknown } | null)?.sourceRecordId;
  if (typeof id === 'string') batch.recordIds.add(id);
}
