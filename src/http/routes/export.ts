// GET /api/v1/health/export[?format=ndjson|csv] (CONTRACT §10): every live sample of the user,
// streamed (export/sample-export.ts). NDJSON by default, one section-7 item per line; csv in the
// csv import format, so an export re-imports unchanged.
import { t } from 'elysia';
import { ProblemBody } from '../../domain/problem-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import { EXPORT_CONTENT_TYPES, type ExportFormat, type SampleExporter } from '../../export/sample-export.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { requestIdOf } from '../plugins/request-id.ts';
import { withDeadline } from '../deadline.ts';

const FORMATS: readonly ExportFormat[] = ['ndjson', 'csv'];

// The responses are declared here, not as a `response` schema map: Elysia would document the
// streamed 200 as text/plain, and a `response` map replaces detail.responses whole.
// (a TypeBox schema is a JSON Schema object; the OpenAPI types do not know TypeBox's)
const PROBLEM_SCHEMA = JSON.parse(JSON.stringify(ProblemBody)) as { type: 'object' };
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } });

export function exportRoute(app: UserApi, exporter: SampleExporter): void {
  app.get(
    '/api/v1/health/export',
    async ({ request, userId, query }) => {
      const format = (query.format ?? 'ndjson') as ExportFormat;
      if (!FORMATS.includes(format)) {
        throw new ProblemError('VALIDATION_FAILED', 'format must be ndjson or csv', { errors: [{ path: '/format', message: 'must be ndjson or csv' }] });
      }
      // starting the query (its first chunk) is bounded like any read; the stream after it is not.
      // An export that starts after its deadline (it waited for one of the pool's connections) is
      // closed at once, so it does not hold that connection until the stall cut.
      const opening = exporter.open(userId, format);
      let body: ReadableStream<Uint8Array>;
      try {
        body = await withDeadline(opening);
      } catch (error) {
        opening.then((late) => late.cancel(), () => {});
        throw error;
      }
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': EXPORT_CONTENT_TYPES[format],
          'content-disposition': `attachment; filename="health-export.${format === 'csv' ? 'csv' : 'ndjson'}"`,
          'cache-control': 'no-store',
          'x-request-id': requestIdOf(request),
        },
      });
    },
    {
      query: t.Object({ format: t.Optional(t.String({ description: 'ndjson (default) or csv' })) }),
      detail: {
        summary: 'Every live sample of the user, streamed',
        tags: ['samples'],
        security: USER_SECURITY,
        responses: {
          200: {
            description: 'The export, streamed: NDJSON (one sample item per line, as GET /samples gives them, in (metricCode, startAt) order) or, with format=csv, the csv import format',
            content: {
              'application/x-ndjson': { schema: { type: 'string' } },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          400: problem('format is not ndjson or csv'),
          401: problem('no valid Bearer token'),
          503: problem('the database did not start the export in time'),
        },
      },
    },
  );
}
