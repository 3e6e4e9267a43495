// GET /admin/imports?status=queued,running (the operations console's imports panel): every
// user's imports in those states, newest first.
import { t } from 'elysia';
import { IMPORT_STATUSES, type ImportStatus } from '../../domain/imports/import-schema.ts';
import { ImportsInProgressBody } from '../../domain/operations/console-schema.ts';
import { ProblemBody } from '../../domain/problem-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import type { ImportService } from '../../imports/import-service.ts';
import { ADMIN_SECURITY, type AdminApi } from '../plugins/admin-auth.ts';

export function adminImportsRoute(app: AdminApi, imports: ImportService): void {
  app.get(
    '/admin/imports',
    async ({ query }) => {
      const statuses = (query.status ?? 'queued,running').split(',').map((status) => status.trim());
      const unknown = statuses.filter((status) => !(IMPORT_STATUSES as readonly string[]).includes(status));
      if (unknown.length > 0) {
        throw new ProblemError('VALIDATION_FAILED', 'unknown import status', {
          errors: [{ path: '/query/status', message: `status must be a comma-separated list of ${IMPORT_STATUSES.join(', ')}` }],
        });
      }
      return { items: await imports.unfinished(statuses as ImportStatus[]) };
    },
    {
      query: t.Object({ status: t.Optional(t.String()) }),
      response: { 200: ImportsInProgressBody, 400: ProblemBody, 401: ProblemBody },
      detail: { summary: "Every user's imports in the given states (default queued,running), newest first", tags: ['admin'], security: ADMIN_SECURITY },
    },
  );
}
