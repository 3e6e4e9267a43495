// A user's own data (CONTRACT §10), erasure side; the export is routes/export.ts.
//   DELETE /api/v1/health/data                         → 202 the erasure (a running one is the same erasure)
//   GET    /api/v1/health/data/erasures/{erasureId}    → 200 its state; another user's id is a 404
import { t } from 'elysia';
import { ErasureBody } from '../../domain/erasure/erasure-schema.ts';
import { ProblemBody } from '../../domain/problem-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import { erasureBody, type UserDataErasures } from '../../erasure/erasure-requests.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { withDeadline } from '../deadline.ts';

const tags = ['user data'];

export function userDataRoute(app: UserApi, erasures: UserDataErasures): void {
  app
    .delete(
      '/api/v1/health/data',
      async ({ userId, set }) => {
        const { erasure } = await withDeadline(erasures.request(userId, { kind: 'user' }));
        set.status = 202;
        set.headers.location = `/api/v1/health/data/erasures/${erasure.id}`;
        return erasureBody(erasure);
      },
      {
        response: { 202: ErasureBody, 401: ProblemBody, 503: ProblemBody },
        detail: {
          summary: "Erase all of the user's health data",
          description:
            'Starts the erasure (or answers the one already running): samples live and soft-deleted, summaries, idempotency records, imports, queued jobs, pending outbox events and webhook deliveries are deleted and the privacy settings reset; uploads received before it never land after it. Poll the Location until completed.',
          tags,
          security: USER_SECURITY,
        },
      },
    )
    .get(
      '/api/v1/health/data/erasures/:erasureId',
      async ({ userId, params }) => {
        const erasure = await withDeadline(erasures.get(userId, params.erasureId));
        if (!erasure) throw new ProblemError('NOT_FOUND', 'no erasure with this id');
        return erasureBody(erasure);
      },
      {
        params: t.Object({ erasureId: t.String() }),
        response: { 200: ErasureBody, 401: ProblemBody, 404: ProblemBody, 503: ProblemBody },
        detail: { summary: 'State of an erasure of the user\'s data', tags, security: USER_SECURITY },
      },
    );
}
