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

export function exportRoute(app: UserApi, exporter: SampleExporter): void {
  app.get(
    '/api/v1/health/export',
    async ({ request, userId, query }) => {
      const format = (query.format ?? 'ndjson') as ExportFormat;
      if (!FORMATS.includes(format)) {
        throw new ProblemError('VALIDATION_FAILED', 'format must be ndjson or csv', { errors: [{ path: '/format', message: 'must be ndjson or csv' }] });
      }
      // starting the query (its first chunk) is bounded like any read; the stream after it is not
      const body = await withDeadline(exporter.open(userId, format));
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
      response: {
        200: t.String({ description: 'NDJSON (application/x-ndjson): one sample item per line, in (metricCode, startAt) order; or CSV (text/csv) in the csv import format' }),
        400: ProblemBody,
        401: ProblemBody,
        503: ProblemBody,
      },
      detail: { summary: "Every live sample of the user, streamed", tags: ['samples'], security: USER_SECURITY },
    },
  );
}
