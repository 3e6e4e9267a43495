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
import { UploadAdmission } from '../upload-admission.ts';

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
        // documented only: the body is read and validated by hand (no Elysia body schema,
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
