// POST /api/v1/health/samples/batch-upsert (CONTRACT §4). The body is read here, under the cap,
// and hashed exactly as received: Elysia's parser and schema normalizer would drop unknown keys
// that the client's hash covers.
import { Elysia } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import { BatchUpsertBody, validateBatchBody, validateTimezoneHeader } from '../../domain/batch-schema.ts';
import { IngestResultBody } from '../../domain/ingest-result.ts';
import { ProblemError } from '../../domain/problems.ts';
import { findUnstorableStrings } from '../../domain/storable-text.ts';
import { replayIdenticalBody, submitBatch, type IngestDeps } from '../../ingest/submit-batch.ts';
import { userAuthPlugin } from '../plugins/auth.ts';
import { parseJsonBody, readBodyText } from '../plugins/json-body.ts';
import { isStackOverflow, withDeadline } from '../deadline.ts';
import { jsonResponse } from '../reply.ts';
import { UploadAdmission } from '../upload-admission.ts';

const BUSY_RETRY_AFTER_SECONDS = 1;

export function batchUpsertRoute(
  deps: IngestDeps,
  tokens: UserTokens,
  limits: { maxBatchItems: number; maxBodyBytes: number; maxInflightUploads: number },
) {
  const admission = new UploadAdmission(limits.maxInflightUploads);

  /** Reads, checks and stores one upload. */
  async function upload(request: Request, userId: string, receivedAt: Date, headerOffsetMinutes: number | undefined) {
    const text = await readBodyText(request, limits.maxBodyBytes);
    // the slot is taken once the body is here (a slow network holds none) and before the first
    // database round trip: shedding later let the replay lookups of an overload queue up on
    // the pool until every upload timed out (bench/soak.ts at 5×)
    if (!admission.tryEnter()) {
      throw new ProblemError(
        'SERVER_BUSY',
        `${admission.limit} uploads are being processed on this server; retry after ${BUSY_RETRY_AFTER_SECONDS} s`,
        { retryAfterMs: BUSY_RETRY_AFTER_SECONDS * 1000 },
        { 'retry-after': String(BUSY_RETRY_AFTER_SECONDS) },
      );
    }
    try {
      return await processUpload(request, text, userId, receivedAt, headerOffsetMinutes);
    } finally {
      admission.leave();
    }
  }

  /** Answers a byte-identical re-send from its stored reply, or parses, validates and stores. */
  async function processUpload(request: Request, text: string, userId: string, receivedAt: Date, headerOffsetMinutes: number | undefined) {
    const fast = await withDeadline(replayIdenticalBody(deps, userId, text));
    if (fast.reply) return jsonResponse(request, fast.reply.status, fast.reply.bodyText, fast.reply.headers);
    const json = parseJsonBody(text);
    let reply;
    try {
      const checked = validateBatchBody(json, limits.maxBatchItems);
      // the samples' own strings are checked per sample (a bad one fails alone, §4.1)
      const errors = checked.ok ? findUnstorableStrings({ ...checked.value, samples: [] }, text) : checked.errors;
      if (!checked.ok || errors.length > 0) {
        throw new ProblemError('VALIDATION_FAILED', 'the batch does not match the contract', { errors });
      }
      reply = await withDeadline(
        submitBatch(deps, { userId, body: checked.value, headerOffsetMinutes, receivedAt, bodyDigest: fast.digest, prefetched: fast.prefetched }),
      );
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
      throw new ProblemError('VALIDATION_FAILED', 'the body is nested too deeply', {
        errors: [{ path: '', message: 'JSON nesting is too deep to process' }],
      });
    }
    return jsonResponse(request, reply.status, reply.bodyText, reply.headers);
  }

  return new Elysia().use(userAuthPlugin(tokens)).post(
    '/api/v1/health/samples/batch-upsert',
    async ({ request, userId }) => {
      const receivedAt = new Date(deps.now());
      const timezone = validateTimezoneHeader(request.headers.get('x-timezone-offset'));
      if (!timezone.ok) {
        throw new ProblemError('VALIDATION_FAILED', 'invalid X-Timezone-Offset header', {
          errors: [{ path: '/headers/x-timezone-offset', message: timezone.message }],
        });
      }
      return upload(request, userId, receivedAt, timezone.value);
    },
    {
      parse: 'none',
      detail: {
        summary: 'Upload a batch of health samples and deletions',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        // documented only: the body is read and validated by hand above (no Elysia body schema,
        // which would validate and normalize it before the hash)
        requestBody: { required: true, content: { 'application/json': { schema: BatchUpsertBody as object } } },
        responses: {
          200: { description: 'Processed inline; every sample stored or unchanged', content: { 'application/json': { schema: IngestResultBody as object } } },
          207: {
            description:
              'Processed inline; at least one sample failed alone (failed[] by index, INVALID_FIELD with the path of the field). ' +
              'A queued batch ends with the same body.',
            content: { 'application/json': { schema: IngestResultBody as object } },
          },
          202: { description: 'Queued (items ≥ INGEST_QUEUE_THRESHOLD); the result follows at the Location' },
          400: { description: 'The envelope is invalid (VALIDATION_FAILED with errors[].path), the body is not JSON, or the payload hash differs' },
        },
      },
    },
  );
}
