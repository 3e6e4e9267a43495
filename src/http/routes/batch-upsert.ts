// POST /api/v1/health/samples/batch-upsert (CONTRACT §4). The body is read here, under the cap,
// and handed over exactly as received (ingest/submit.ts parses, checks and hashes it): Elysia's
// parser and schema normalizer would drop unknown keys that the client's hash covers. What is
// HTTP stays here: the receipt time, the X-Timezone-Offset header, load shedding, the deadline.
import { BatchUpsertBody } from '../../domain/ingest/upload-schema.ts';
import { validateTimezoneHeader } from '../../domain/ingest/timezone-header.ts';
import { IngestResultBody } from '../../domain/ingest/ingest-result.ts';
import { ProblemError, retryLater } from '../../domain/problems.ts';
import type { Ingest } from '../../ingest/submit.ts';
import { SERVER_BUSY_RETRY_AFTER_SECONDS } from '../../limits.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { readBodyText } from '../plugins/json-body.ts';
import { isStackOverflow, withDeadline } from '../deadline.ts';
import { jsonResponse } from '../reply.ts';
import { computePayloadHash } from '../../domain/ingest/payload-hash.ts';
import { jsonAnswer } from '../openapi-responses.ts';
import { QueuedUploadBody } from '../../domain/read-schemas.ts';
import { UploadAdmission } from '../upload-admission.ts';

/** CONTRACT §4's example (its payloadHash is the real one of these samples). */
const UPLOAD_EXAMPLE = {
  requestId: '3f1c2a9e-4d7b-4c1e-9a55-0c9f1d2e7b61',
  payloadHash: '',
  samples: [
    {
      sourceId: 'com.apple.health.watch',
      sourceRecordId: 'E2A6',
      metricCode: 'heart_rate',
      valueKind: 'SCALAR_NUM',
      value: 72,
      unit: 'count/min',
      startAt: '2026-11-20T07:15:00Z',
      timezoneOffsetMinutes: 60,
      metadata: { deviceModel: 'Watch7,1' },
    },
  ],
};
UPLOAD_EXAMPLE.payloadHash = computePayloadHash(UPLOAD_EXAMPLE.samples, []);
/** A replay of a completed upload says so (CONTRACT §4.4). */
const REPLAY_HEADERS = {
  'Idempotent-Replayed': {
    description: '"true" when this is the stored answer of an earlier upload with this requestId, nothing re-processed',
    schema: { type: 'string' as const, enum: ['true'] },
  },
};
const RESULT_EXAMPLE = { requestId: UPLOAD_EXAMPLE.requestId, status: 'completed', accepted: 1, unchanged: 0, deleted: 0, failed: [], watermarkSeq: 42 };

/** The upload's schema as documented: MAX_BATCH_ITEMS is configuration, checked after the compiled schema. */
function uploadSchema(maxBatchItems: number): object {
  const schema = structuredClone(BatchUpsertBody) as { properties: Record<'samples' | 'deleted', Record<string, unknown>> };
  schema.properties.samples.maxItems = maxBatchItems;
  schema.properties.deleted.maxItems = maxBatchItems;
  return schema;
}

export function batchUpsertRoute(
  app: UserApi,
  ingest: Ingest,
  now: () => number,
  limits: { maxBodyBytes: number; maxInflightUploads: number },
  /** counts an upload shed (SERVER_BUSY): /metrics and the console's rates */
  observeShed: () => void = () => {},
): void {
  const admission = new UploadAdmission(limits.maxInflightUploads);

  /** Reads one upload and has it stored. */
  async function upload(request: Request, userId: string, receivedAt: Date, headerOffsetMinutes: number | undefined) {
    const bodyText = await readBodyText(request, limits.maxBodyBytes);
    // the slot is taken once the body is here (a slow network holds none) and before the first
    // database round trip: shedding later let the replay lookups of an overload queue up on
    // the pool until every upload timed out (bench/soak.ts at 5×)
    if (!admission.tryEnter()) {
      observeShed();
      throw retryLater(
        'SERVER_BUSY',
        `${admission.limit} uploads are being processed on this server; retry after ${SERVER_BUSY_RETRY_AFTER_SECONDS} s`,
        SERVER_BUSY_RETRY_AFTER_SECONDS,
      );
    }
    try {
      const reply = await withDeadline(ingest.submit({ userId, bodyText, headerOffsetMinutes, receivedAt }));
      return jsonResponse(request, reply.status, reply.bodyText, reply.headers);
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
      throw new ProblemError('VALIDATION_FAILED', 'the body is nested too deeply', {
        errors: [{ path: '', message: 'JSON nesting is too deep to process' }],
      });
    } finally {
      admission.leave();
    }
  }

  app.post(
    '/api/v1/health/samples/batch-upsert',
    async ({ request, userId }) => {
      const receivedAt = new Date(now());
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
        security: USER_SECURITY,
        parameters: [
          {
            name: 'X-Timezone-Offset',
            in: 'header',
            required: false,
            description: 'Minutes east of UTC for samples that carry no offset of their own',
            schema: { type: 'integer' as const, minimum: -720, maximum: 840 },
            example: 60,
          },
        ],
        // documented only: the body is read and validated by hand (no Elysia body schema,
        // which would validate and normalize it before the hash)
        requestBody: {
          required: true,
          description: 'JSON, optionally with Content-Encoding gzip or zstd (the caps apply to the decoded bytes)',
          content: { 'application/json': { schema: uploadSchema(ingest.maxBatchItems), examples: { oneHeartRate: { value: UPLOAD_EXAMPLE } } } },
        },
        responses: {
          200: {
            description: 'Processed inline; every sample stored or unchanged',
            headers: REPLAY_HEADERS,
            content: { 'application/json': { schema: IngestResultBody as object, example: RESULT_EXAMPLE } },
          },
          207: {
            description:
              'Processed inline; at least one sample failed alone (failed[] by index, INVALID_FIELD with the path of the field). ' +
              'A queued batch ends with the same body.',
            headers: REPLAY_HEADERS,
            content: {
              'application/json': {
                schema: IngestResultBody as object,
                example: {
                  ...RESULT_EXAMPLE,
                  accepted: 0,
                  failed: [{ index: 0, sourceRecordId: 'E2A6', code: 'INVALID_FIELD', message: 'startAt: Expected an RFC 3339 date-time', path: '/samples/0/startAt' }],
                  watermarkSeq: null,
                },
              },
            },
          },
          202: {
            ...jsonAnswer('Queued (items ≥ INGEST_QUEUE_THRESHOLD); the result follows at the Location', QueuedUploadBody),
            headers: {
              Location: { description: 'GET it for the state and result', schema: { type: 'string' }, example: '/api/v1/health/ingest-requests/3f1c2a9e-4d7b-4c1e-9a55-0c9f1d2e7b61' },
              'Retry-After': { description: 'Seconds before the first poll', schema: { type: 'integer' } },
            },
          },
          400: { description: 'The envelope is invalid (VALIDATION_FAILED with errors[].path), the body is not JSON, or the payload hash differs' },
          403: { description: 'Health sync is disabled for this user (HEALTH_SYNC_DISABLED)' },
          408: { description: 'The body did not arrive in time' },
          409: { description: 'The same requestId is still being processed (STILL_PROCESSING)' },
          422: { description: 'The requestId was used before with another payload (IDEMPOTENCY_KEY_REUSED)' },
        },
      },
    },
  );
}
