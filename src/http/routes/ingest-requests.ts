// GET /api/v1/health/ingest-requests/{requestId} (CONTRACT §4.7). Another user's id is a 404,
// exactly like an id that does not exist.
import { t } from 'elysia';
import { ProblemError } from '../../domain/problems.ts';
import type { RequestStatusReader } from '../../requests/request-status.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { jsonResponse } from '../reply.ts';
import { withDeadline } from '../deadline.ts';
import { IngestRequestStatusBody } from '../../domain/read-schemas.ts';
import { jsonAnswer } from '../openapi-responses.ts';

export function ingestRequestsRoute(app: UserApi, requests: RequestStatusReader): void {
  app.get(
    '/api/v1/health/ingest-requests/:requestId',
    async ({ request, userId, params }) => {
      const text = await withDeadline(requests.statusText(userId, params.requestId));
      if (text === null) throw new ProblemError('NOT_FOUND', 'no ingest request with this id');
      return jsonResponse(request, 200, text);
    },
    { params: t.Object({ requestId: t.String() }), detail: {
        summary: 'State and result of an upload',
        tags: ['ingest'],
        security: USER_SECURITY,
        responses: {
          200: jsonAnswer('The upload: queued, processing, or finished with its result', IngestRequestStatusBody),
          404: { description: 'No upload of this user has this id' },
        },
      } },
  );
}
