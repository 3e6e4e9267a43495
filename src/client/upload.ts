// upload(): a caller's samples and deletes, however many, stored exactly once (CONTRACT §12).
//
//   cut (batches.ts) → per batch: payload hash, requestId from it, POST
//     200/207 → its result            202 / 409 STILL_PROCESSING → poll its request (§4.7)
//     429/503/network → transport retries after Retry-After    poll says failed → send again
//   → results merged (upload-result.ts)
//
// Receipt order: the service lets the write it received last win (§4.4), and batches in flight
// at once may be received in any order. So a batch that shares a sourceRecordId (part of every
// key, and of every delete ref) with an earlier batch still in flight waits until that batch has
// finished — finished, not just received: a queued batch that fails is received again when it is
// re-sent. For every key, the batches of one upload therefore land in the caller's order, and the
// result is that of sending them one by one. Batches with no record in common go out side by
// side, up to `concurrency`. Two upload() calls running at once are not ordered against each other.
import { bodyText, OversizedDeleteRef, planBatches, type BatchLimits, type PlannedBatch } from './batches.ts';
import { abortReason, errorFromAnswer, HealthIngestError } from './errors.ts';
import { canonicalPayloadText, sha256Hex } from './payload-hash.ts';
import { deriveRequestId } from './request-id.ts';
import { retryHintMs } from './retry-policy.ts';
import { resolveLocation, sleep, type Answer, type Body, type Transport } from './transport.ts';
import { asBatchResult, inCallerTerms, UploadTally, type BatchResult, type UploadResult } from './upload-result.ts';
import { gzip } from './compression.ts';

const BATCH_UPSERT = '/api/v1/health/samples/batch-upsert';
const ingestRequestPath = (requestId: string) => `/api/v1/health/ingest-requests/${requestId}`;

export interface UploadProgress {
  samplesDone: number;
  samplesTotal: number;
  deletedDone: number;
  deletedTotal: number;
}

export interface UploadOptions {
  /** after each finished batch (and once at the start) */
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /**
   * Mixed into every batch's requestId. Leave it out to make a re-run replay; pass a new one to
   * send content identical to an earlier upload's as a new write (say, after deleting it).
   */
  idempotencyKey?: string;
}

export interface UploadSettings {
  transport: Transport;
  baseUrl: string;
  limits: BatchLimits;
  concurrency: number;
  timezoneOffsetMinutes: number | undefined;
  compression: 'gzip' | 'none';
  pollIntervalMs: number;
  pollTimeoutMs: number;
  /** sends of one batch the service may fail (§4.4 'failed') before the upload gives up */
  maxSends: number;
  now: () => number;
  random: () => number;
}

export async function uploadBatches(
  settings: UploadSettings,
  samples: readonly unknown[],
  deleted: readonly unknown[],
  options: UploadOptions,
): Promise<UploadResult> {
  const tally = new UploadTally();
  const progress: UploadProgress = { samplesDone: 0, samplesTotal: samples.length, deletedDone: 0, deletedTotal: deleted.length };
  const report = () => options.onProgress?.({ ...progress });
  const inFlight = new Map<PlannedBatch, Promise<void>>();
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
  };

  try {
    report();
    for (const planned of planBatches(samples, deleted, settings.limits)) {
      if ('oversized' in planned) {
        tally.addUnsendable(planned.index, planned.bytes, settings.limits.maxBodyBytes);
        progress.samplesDone += 1;
        continue;
      }
      while (inFlight.size >= settings.concurrency && !failure) await Promise.race(inFlight.values());
      const earlier = [...inFlight].filter(([other]) => sharesRecord(other, planned)).map(([, done]) => done);
      await Promise.all(earlier);
      if (options.signal?.aborted) fail(abortReason(options.signal));
      if (failure) break;
      const done = sendBatch(settings, planned, options)
        .then(({ result, replayed }) => {
          tally.add(planned, result, replayed);
          progress.samplesDone += planned.sampleTexts.length;
          progress.deletedDone += planned.deletedTexts.length;
          report();
        })
        .catch(fail)
        .finally(() => inFlight.delete(planned));
      inFlight.set(planned, done);
    }
  } catch (error) {
    fail(
      error instanceof OversizedDeleteRef
        ? new HealthIngestError({ status: 0, code: 'PAYLOAD_TOO_LARGE', detail: error.message })
        : error,
    );
  }
  await Promise.all(inFlight.values());
  if (!failure) return tally.result();
  if (failure.error instanceof HealthIngestError) failure.error.partial = tally.result();
  throw failure.error;
}

function sharesRecord(a: PlannedBatch, b: PlannedBatch): boolean {
  const [small, large] = a.recordIds.size <= b.recordIds.size ? [a.recordIds, b.recordIds] : [b.recordIds, a.recordIds];
  for (const id of small) if (large.has(id)) return true;
  return false;
}

/** One batch until it has a result: sent, polled while queued, sent again when failed. */
async function sendBatch(
  settings: UploadSettings,
  batch: PlannedBatch,
  options: UploadOptions,
): Promise<{ result: BatchResult; replayed: boolean }> {
  const payloadHash = await sha256Hex(canonicalPayloadText(batch.sampleTexts, batch.deletedTexts));
  const requestId = await deriveRequestId(payloadHash, options.idempotencyKey);
  const text = bodyText(requestId, payloadHash, batch.sampleTexts, batch.deletedTexts);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (settings.timezoneOffsetMinutes !== undefined) headers['x-timezone-offset'] = String(settings.timezoneOffsetMinutes);
  let body: Body = text;
  if (settings.compression === 'gzip') {
    const compressed = await gzip(text);
    if (compressed) {
      body = compressed;
      headers['content-encoding'] = 'gzip';
    }
  }
  const post = () => settings.transport.send({ method: 'POST', path: BATCH_UPSERT, headers, body, signal: options.signal });

  let answer = await post();
  for (let sends = 1; ; sends += 1) {
    const hint = retryHintMs(answer.headers, answer.body, settings.now());
    if (answer.status === 200 || answer.status === 207) {
      return { result: checkedResult(answer), replayed: answer.headers.get('idempotent-replayed') === 'true' };
    }
    const stillProcessing = answer.status === 409 && (answer.body as { code?: unknown } | null)?.code === 'STILL_PROCESSING';
    if (answer.status !== 202 && !stillProcessing) throw inCallerTerms(errorFromAnswer(answer, hint), batch);

    // queued (202), or an earlier send of it is being processed (409): its request says when it is done
    const location = resolveLocation(settings.baseUrl, answer.headers.get('location') ?? ingestRequestPath(requestId));
    const polled = await pollRequest(settings, location, hint, options.signal);
    if (polled.kind === 'completed') return { result: polled.result, replayed: false };
    // failed, or unknown to the service (lost): the same request is processed again (§4.4)
    if (sends >= settings.maxSends) {
      throw new HealthIngestError({
        status: 0,
        code: 'BATCH_FAILED',
        detail: `request ${requestId} was ${polled.kind === 'failed' ? 'failed by the service' : 'lost'} on each of ${sends} sends`,
      });
    }
    answer = await post();
  }
}

type Polled = { kind: 'completed'; result: BatchResult } | { kind: 'failed' | 'unknown' };

/** GET the request's state (CONTRACT §4.7) until it is completed or failed, or the poll time is up. */
async function pollRequest(settings: UploadSettings, location: string, firstHintMs: number | undefined, signal: AbortSignal | undefined): Promise<Polled> {
  const deadline = settings.now() + settings.pollTimeoutMs;
  let waitMs = firstHintMs ?? settings.pollIntervalMs;
  for (;;) {
    await sleep(Math.round(waitMs * (1 + 0.2 * settings.random())), signal);
    const answer = await settings.transport.send({ method: 'GET', path: location, signal });
    if (answer.status === 404) return { kind: 'unknown' };
    if (answer.status !== 200) throw errorFromAnswer(answer);
    const state = answer.body as { status?: unknown; result?: { statusCode?: unknown; body?: unknown } } | null;
    if (state?.status === 'completed' && state.result) {
      const { statusCode, body } = state.result;
      if (statusCode !== 200 && statusCode !== 207) {
        throw errorFromAnswer({ status: Number(statusCode), headers: answer.headers, body });
      }
      return { kind: 'completed', result: checkedResult({ ...answer, body }) };
    }
    if (state?.status === 'failed') return { kind: 'failed' };
    if (state?.status !== 'queued' && state?.status !== 'processing') throw unexpected(answer, 'an ingest request state');
    if (settings.now() > deadline) {
      throw new HealthIngestError({ status: 0, code: 'POLL_TIMEOUT', detail: `${location} was still ${String(state.status)} after ${settings.pollTimeoutMs} ms` });
    }
    waitMs = retryHintMs(answer.headers, null, settings.now()) ?? settings.pollIntervalMs;
  }
}

function checkedResult(answer: Answer): BatchResult {
  const result = asBatchResult(answer.body);
  if (!result) throw unexpected(answer, 'a batch result');
  return result;
}

function unexpected(answer: Answer, what: string): HealthIngestError {
  return new HealthIngestError({
    status: answer.status,
    code: 'UNEXPECTED_RESPONSE',
    detail: `expected ${what}, got ${JSON.stringify(answer.body).slice(0, 200)}`,
    requestId: answer.headers.get('x-request-id'),
    body: answer.body,
  });
}
