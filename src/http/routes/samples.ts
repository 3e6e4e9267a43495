// GET /api/v1/health/samples?metric=&from=&to=&limit=&cursor= (CONTRACT §7).
import { t } from 'elysia';
import type { MetricCatalog } from '../../domain/catalog/catalog-types.ts';
import { parseSampleQuery } from '../../domain/sample-query.ts';
import type { SampleReader } from '../../samples/list-samples.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { withDeadline } from '../deadline.ts';
import { checkedQuery } from '../query.ts';
import { SamplePageBody } from '../../domain/read-schemas.ts';
import { jsonAnswer } from '../openapi-responses.ts';

export function samplesRoute(app: UserApi, samples: SampleReader, catalog: MetricCatalog): void {
  app.get(
    '/api/v1/health/samples',
    ({ userId, query }) => withDeadline(samples.list(userId, checkedQuery(parseSampleQuery(query, catalog)))),
    {
      query: t.Object({
        metric: t.Optional(t.String()),
        from: t.Optional(t.String()),
        to: t.Optional(t.String()),
        limit: t.Optional(t.String()),
        cursor: t.Optional(t.String()),
      }),
      detail: {
        summary: "A page of the user's live samples",
        tags: ['samples'],
        security: USER_SECURITY,
        responses: { 200: jsonAnswer('A page of samples, keyset-paginated', SamplePageBody), 400: { description: 'An invalid query parameter' } },
      },
    },
  );
}
