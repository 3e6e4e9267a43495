// POST /api/v1/health/samples/batch-upsert (CONTRACT §4). The body is read here, under the cap,
// and hashed exactly as received: Elysia's parser and schema normalizer would drop unknown keys
// that the client's hash covers.
import { Elysia } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import { BatchUpsertBody, validateBatchBody, validateTimezoneHeader } from '../../domain/batch-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import { findUnstorableStrings } from '../../domain/storable-text.ts';
import { replayIdenticalBody, submitBatch, type IngestDeps } from '../../ingest/submit-batch.ts';
import { userAuthPlugin } from '../plugins/auth.ts';
import { parseJsonBody, readBodyText } from '../plugins/json-body.ts';
import { isStackOverflow, withDeadline } from '../deadline.ts';
import { jsonResponse } from '../reply.ts';

export function batchUpsertRoute(deps: IngestDeps, tokens: UserTokens, limits: { maxBatchItems: number; maxBodyBytes: number }) {
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
      const text = await readBodyText(request, limits.maxBodyBytes);
      const fast = await withDeadline(replayIdenticalBody(deps, userId, text));
      if (fast.reply) return jsonResponse(request, fast.reply.status, fast.reply.bodyText, fast.reply.headers);
      const json = parseJsonBody(text);
      let reply;
      try {
        const checked = validateBatchBody(json, limits.maxBatchItems);
        const errors = checked.ok ? findUnstorableStrings(json, text) : checked.errors;
        if (!checked.ok || errors.length > 0) {
          throw new ProblemError('VALIDATION_FAILED', 'the batch does not match the contract', { errors });
        }
        reply = await withDeadline(
          submitBatch(deps, {
            userId,
            body: checked.value,
            headerOffsetMinutes: timezone.value,
            receivedAt,
            bodyDigest: fast.digest,
            prefetched: fast.prefetched,
          }),
        );
      } catch (error) {
        if (!isStackOverflow(error)) throw error;
        throw new ProblemError('VALIDATION_FAILED', 'the body is nested too deeply', {
          errors: [{ path: '', message: 'JSON nesting is too deep to process' }],
        });
      }
      return jsonResponse(request, reply.status, reply.bodyText, reply.headers);
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
      },
    },
  );
}
