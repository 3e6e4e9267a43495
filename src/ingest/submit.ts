// The upload use case (CONTRACT §4), whole: the body as received → the replay fast path → parse
// and envelope check → hash → privacy gate → idempotency → inline or queued. The HTTP route reads
// the body and calls createIngest(…).submit once; everything here is the same for every transport.
// submitBatch is the same use case from an already checked envelope (tools and tests).
import type { Sql } from '../db/client.ts';
import type { Config } from '../config.ts';
import { validateBatchBody, type BatchEnvelopeT } from '../domain/ingest/upload-schema.ts';
import type { MetricCatalog } from '../domain/catalog/catalog-types.ts';
import { decideOnEarlierRequest, RETRY_AFTER_SECONDS } from '../domain/ingest/idempotency.ts';
import { bodyDigest, requestIdCandidate } from '../domain/ingest/body-digest.ts';
import { computePayloadHash } from '../domain/ingest/payload-hash.ts';
import { parseJsonText, refuseNonFiniteNumbers } from '../domain/json-body.ts';
import { nonFiniteNumbersIn } from '../domain/finite-numbers.ts';
import { ProblemError, retryLater } from '../domain/problems.ts';
import { findUnstorableStrings } from '../domain/ingest/storable-text.ts';
import { normalizeDeleteRefs } from '../domain/ingest/delete-refs.ts';
import { normalizeSamples } from '../domain/ingest/sample-rules.ts';
import type { PreparedBatch, Reply } from './finish-batch.ts';
import { lookupRequest, type RequestLookup } from '../requests/queries.ts';
import { writeInline } from './write-inline.ts';

/** Hands a large batch to the queue path (CONTRACT §4.5); answers the 202. */
export interface BatchQueue {
  submit(batch: PreparedBatch): Promise<Reply>;
  /**
   * A request left 'queued' whose job no longer exists (Redis lost it, or the worker that took
   * it died after its last try) is marked failed so a re-send can process it at once instead
   * of answering 409 until the reaper runs. True when it was.
   */
  releaseAbandoned(userId: string, requestId: string, attempt: number): Promise<boolean>;
}

/** A queued request younger than this is never called abandoned (its job may be being added). */
const ABANDONED_AFTER_SECONDS = 10;

/** Queued long enough that its job should be checked before answering 409 (same payload only). */
function mayBeAbandoned(earlier: RequestLookup, payloadHash: string): boolean {
  return earlier.status === 'queued' && earlier.payloadHash === payloadHash && (earlier.secondsSinceUpdate ?? 0) > ABANDONED_AFTER_SECONDS;
}

export interface IngestDeps {
  db: Sql;
  config: Pick<Config, 'ingestQueueThreshold' | 'reaperStaleAfterSeconds' | 'maxBatchItems'>;
  catalog: MetricCatalog;
  queue: BatchQueue;
  now: () => number;
  /** counts a batch's valid and failed samples once it is committed (inline) or queued */
  observeSamples?: (path: 'inline' | 'queued', accepted: number, failures: PreparedBatch['failures']) => void;
}

export interface Upload {
  userId: string;
  body: BatchEnvelopeT;
  headerOffsetMinutes: number | undefined;
  receivedAt: Date;
  /** SHA-256 of the body bytes (replay fast path), when the transport has them */
  bodyDigest?: string | null;
  /** the request's state as read by the fast path, to spare a second lookup */
  prefetched?: { requestId: string; earlier: RequestLookup } | null;
  /**
   * Throws the problem naming each number of the body no double can hold, if it has one (the
   * transport has the text to find them); called when the payload hash cannot be computed.
   */
  refuseNonFiniteNumbers?: () => void;
}

/** An upload as the transport received it. */
export interface ReceivedUpload {
  userId: string;
  /** the body exactly as received: hashed for the replay fast path before anything parses it */
  bodyText: string;
  headerOffsetMinutes: number | undefined;
  receivedAt: Date;
}

/** The upload use case, bound to its dependencies (what the HTTP route receives). */
export interface Ingest {
  /**
   * Answers a byte-identical re-send from its stored reply, else parses, checks and stores the
   * upload (inline, or queued at INGEST_QUEUE_THRESHOLD items). Problems are thrown (ProblemError).
   */
  submit(upload: ReceivedUpload): Promise<Reply>;
  /** MAX_BATCH_ITEMS: the most samples, and deleted refs, one upload may carry */
  readonly maxBatchItems: number;
}

export function createIngest(deps: IngestDeps): Ingest {
  return {
    maxBatchItems: deps.config.maxBatchItems,
    async submit({ userId, bodyText, headerOffsetMinutes, receivedAt }) {
      const fast = await replayIdenticalBody(deps, userId, bodyText);
      if (fast.reply) return fast.reply;
      // A number no double can hold (1e309) is the problem named before any other (§4.1). Scanning
      // the text for one cost a fifth of JSON.parse; instead the walks an upload gets anyway find
      // them (the payload hash over samples and deleted, and the envelope's other members below),
      // and only then, or before any other problem is answered, is the body scanned for them.
      const value = parseJsonText(bodyText);
      const refuseNumbers = () => refuseNonFiniteNumbers(value, bodyText);
      let envelope: BatchEnvelopeT;
      try {
        const checked = validateBatchBody(value, deps.config.maxBatchItems);
        // the samples' own strings are checked per sample (a bad one fails alone, §4.1)
        const errors = checked.ok ? findUnstorableStrings({ ...checked.value, samples: [] }, bodyText) : checked.errors;
        if (!checked.ok || errors.length > 0) {
          throw new ProblemError('VALIDATION_FAILED', 'the batch does not match the contract', { errors });
        }
        envelope = checked.value;
        if (nonFiniteNumbersIn({ ...envelope, samples: [], deleted: [] }).length > 0) refuseNumbers();
      } catch (error) {
        refuseNumbers();
        throw error;
      }
      return submitBatch(deps, {
        userId,
        body: envelope,
        headerOffsetMinutes,
        receivedAt,
        bodyDigest: fast.digest,
        prefetched: fast.prefetched,
        refuseNonFiniteNumbers: refuseNumbers,
      });
    },
  };
}

export async function submitBatch(deps: IngestDeps, upload: Upload): Promise<Reply> {
  const { body, userId } = upload;
  const deleted = body.deleted ?? [];
  const payloadHash = body.payloadHash.toLowerCase();
  if (payloadHashOf(body.samples, deleted, upload.refuseNonFiniteNumbers) !== payloadHash) {
    throw new ProblemError('PAYLOAD_HASH_MISMATCH', 'payloadHash is not the SHA-256 of the canonical samples and deleted arrays');
  }

  const stale = deps.config.reaperStaleAfterSeconds;
  const requestId = body.requestId.toLowerCase();
  let earlier =
    upload.prefetched?.requestId === requestId
      ? upload.prefetched.earlier
      : await lookupRequest(deps.db, userId, requestId, stale);
  if (mayBeAbandoned(earlier, payloadHash) && (await deps.queue.releaseAbandoned(userId, requestId, earlier.attempts ?? 0))) {
    earlier = await lookupRequest(deps.db, userId, requestId, stale);
  }
  if (!earlier.syncEnabled) {
    throw new ProblemError('HEALTH_SYNC_DISABLED', "health sync is disabled in this user's privacy settings");
  }
  refuseFencedUpload(earlier, upload.receivedAt);
  const early = answerEarlier(earlier, payloadHash);
  if (early) return early;

  const batch = prepareBatch(deps.catalog, upload, new Set(earlier.blockedMetrics), deps.now());
  if (batch.itemCount >= deps.config.ingestQueueThreshold) {
    const reply = await deps.queue.submit(batch);
    if (reply.status === 202) deps.observeSamples?.('queued', batch.valid.length, batch.failures);
    return reply;
  }

  const outcome = await writeInline(deps.db, batch, stale);
  if (outcome.kind === 'fenced') throw dataErased();
  if (outcome.kind === 'completed') {
    deps.observeSamples?.('inline', batch.valid.length, batch.failures);
    return { ...outcome.reply, headers: {} };
  }
  return answerTaken(outcome.earlier, payloadHash);
}

/**
 * The erasure fence seen before any work (CONTRACT §10): while an erasure of the user runs, or
 * when one started at or after this upload was received, nothing of the upload may be stored.
 * The write core (and the queued claim) check the same under the user's lock.
 */
export function refuseFencedUpload(earlier: Pick<RequestLookup, 'erasing' | 'lastErasureAt'>, receivedAt: Date): void {
  if (earlier.erasing || (earlier.lastErasureAt !== null && earlier.lastErasureAt.getTime() >= receivedAt.getTime())) throw dataErased();
}

/** Nothing of the upload was stored; sent again after the erasure, it is stored as new. */
export function dataErased(): ProblemError {
  return retryLater(
    'DATA_ERASED',
    "the user's data is being erased, or was erased after this upload was received: nothing of it was stored; send it again to store it after the erasure",
    RETRY_AFTER_SECONDS,
  );
}

/**
 * A claim lost to a concurrent duplicate (inline or queued): answered from what the winner left
 * behind — its reply, or 409 while it is still at work.
 */
export function answerTaken(earlier: RequestLookup, payloadHash: string): Reply {
  return answerEarlier(earlier, payloadHash) ?? stillProcessing();
}

/**
 * The hash of §4.2. A number JSON allows but a double cannot hold (1e309 parses to Infinity) has
 * no JCS form, so no hash covers it: the request is a 400, never a 500 (§4.1). Samples are
 * checked one by one only after this, so the envelope check cannot catch it first.
 */
function payloadHashOf(samples: readonly unknown[], deleted: readonly unknown[], refuseNonFiniteNumbers?: () => void): string {
  try {
    return computePayloadHash(samples, deleted);
  } catch (error) {
    // with the body's text, the numbers are named where they are (before any other problem,
    // a nesting too deep for the hash included)
    refuseNonFiniteNumbers?.();
    if (!(error instanceof TypeError)) throw error;
    throw new ProblemError('VALIDATION_FAILED', 'the batch does not match the contract', {
      errors: [{ path: '', message: 'a number in the body cannot be held by a double (e.g. 1e309), so no payload hash covers it' }],
    });
  }
}

/** A validated upload normalized into what both write paths take (no I/O). */
export function prepareBatch(
  catalog: MetricCatalog,
  upload: Upload,
  blockedMetrics: ReadonlySet<string>,
  nowMs: number,
): PreparedBatch {
  const { body } = upload;
  const deleted = body.deleted ?? [];
  const normalized = normalizeSamples(body.samples, {
    catalog,
    blockedMetrics,
    headerOffsetMinutes: upload.headerOffsetMinutes,
    nowMs,
  });
  return {
    userId: upload.userId,
    requestId: body.requestId.toLowerCase(),
    payloadHash: body.payloadHash.toLowerCase(),
    bodyDigest: upload.bodyDigest ?? null,
    itemCount: body.samples.length + deleted.length,
    receivedAt: upload.receivedAt,
    valid: normalized.valid,
    failures: normalized.failures,
    deleteRefs: normalizeDeleteRefs(deleted, catalog),
  };
}

/**
 * The replay fast path: a body byte-identical to an earlier request's is answered from that
 * request's state (replay, or 409 while it runs) after one lookup, without parsing. Otherwise
 * returns what it read, for submitBatch to reuse.
 */
export async function replayIdenticalBody(
  deps: IngestDeps,
  userId: string,
  bodyText: string,
): Promise<{ reply: Reply } | { reply: null; digest: string; prefetched: Upload['prefetched'] }> {
  const digest = bodyDigest(bodyText);
  const requestId = requestIdCandidate(bodyText);
  if (requestId === null) return { reply: null, digest, prefetched: null };
  const earlier = await lookupRequest(deps.db, userId, requestId, deps.config.reaperStaleAfterSeconds);
  if (earlier.status !== null && earlier.bodyDigest === digest) {
    if (!earlier.syncEnabled) {
      throw new ProblemError('HEALTH_SYNC_DISABLED', "health sync is disabled in this user's privacy settings");
    }
    // an old queued request goes the full way, which checks whether its job still exists
    const reply = mayBeAbandoned(earlier, earlier.payloadHash ?? '') ? null : answerEarlier(earlier, earlier.payloadHash ?? '');
    if (reply) return { reply };
  }
  return { reply: null, digest, prefetched: { requestId, earlier } };
}

/** The reply owed to an earlier request with this id, or null when this upload must be processed. */
export function answerEarlier(earlier: RequestLookup, payloadHash: string): Reply | null {
  const decision = decideOnEarlierRequest(
    earlier.status === null
      ? null
      : { status: earlier.status, payloadHash: earlier.payloadHash ?? '', leaseExpired: earlier.leaseExpired },
    payloadHash,
  );
  switch (decision) {
    case 'process':
      return null;
    case 'replay':
      return {
        status: earlier.responseStatus ?? 200,
        bodyText: earlier.responseBody ?? '{}',
        headers: { 'idempotent-replayed': 'true' },
      };
    case 'reused':
      throw new ProblemError('IDEMPOTENCY_KEY_REUSED', 'this requestId was already used with a different payload');
    case 'still_processing':
      return stillProcessing();
  }
}

function stillProcessing(): never {
  throw retryLater('STILL_PROCESSING', 'an earlier request with this requestId is still being processed; retry later', RETRY_AFTER_SECONDS);
}
