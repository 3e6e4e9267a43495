// GET /api/v1/health/ingest-requests/{requestId} (CONTRACT §4.7). Another user's id is a 404,
// exactly like an id that does not exist.
import { Elysia, t } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import { isUuid } from '../../auth/user-tokens.ts';
import type { Sql } from '../../db/client.ts';
import { ProblemError } from '../../domain/problems.ts';
import { getRequest } from '../../requests/queries.ts';
import { userAuthPlugin } from '../plugins/auth.ts';
import { jsonResponse } from '../reply.ts';
import { withDeadline } from '../deadline.ts';

export function ingestRequestsRoute(db: Sql, tokens: UserTokens) {
  return new Elysia().use(userAuthPlugin(tokens)).get(
    '/api/v1/health/ingest-requests/:requestId',
    async ({ request, userId, params }) => {
      const stored = isUuid(params.requestId) ? await withDeadline(getRequest(db, userId, params.requestId)) : null;
      if (!stored) throw new ProblemError('NOT_FOUND', 'no ingest request with this id');
      const result =
        stored.status === 'completed' && stored.responseBody !== null
          ? `,"result":{"statusCode":${stored.responseStatus},"body":${stored.responseBody}}`
          : '';
      const head = JSON.stringify({
        requestId: params.requestId.toLowerCase(),
        status: stored.status,
        createdAt: stored.createdAt.toISOString(),
        updatedAt: stored.updatedAt.toISOString(),
      });
      return jsonResponse(request, 200, head.slice(0, -1) + result + '}');
    },
    { params: t.Object({ requestId: t.String() }), detail: { summary: 'State and result of an upload', tags: ['ingest'] } },
  );
}
